"""Content typed by staff in every language of the site (django-modeltranslation).

Each field below gets one column per language in the same row (`name_en`, `name_fr`,
`name_rw`): reading `program.name` gives the active language's text, or the English one when
that is blank (MODELTRANSLATION_FALLBACK_LANGUAGES), and costs no query. The original column
(`name`) always holds the English text (TranslatedModel.save), so exports, sorting through
related lookups and the history read English whoever saved. See docs/languages.md.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import FundingSource, Intake, Program


class _Options(TranslationOptions):
    # A name left blank in a language is NULL, not "": names are unique (a funding source's,
    # an intake's within its programme) and two blank French names must not collide.
    empty_values = {"name": None}


@register(Program)
class ProgramTranslation(_Options):
    fields = ("name", "summary", "description", "participants_called")


@register(Intake)
class IntakeTranslation(_Options):
    fields = ("name",)


@register(FundingSource)
class FundingSourceTranslation(_Options):
    fields = ("name",)


# After the registrations above: the history then copies the columns of every language (a
# HistoricalRecords() in the class would be built before they exist, and fail on save).
simple_history.register(Intake)
