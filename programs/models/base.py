"""What every model module shares."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation


def _choices_constraint(field: str, choices: type[models.TextChoices], name: str):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"%(app_label)s_%(class)s_{name}",
    )


class TranslatedModel(models.Model):
    """A model with fields in every language (programs/translation.py).

    django-modeltranslation writes the active language's text into the original column (`name`)
    on save; saving in English instead keeps that column, and the history written on save,
    in English whatever language the person saving reads the site in.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save(*args, **kwargs)
