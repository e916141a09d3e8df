"""Badge colours for the public templates."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

# Each pair passes WCAG AA contrast (Bootstrap's text-bg-* classes set a readable text colour).
INTAKE_BADGES = {
    "open": "text-bg-success",
    "upcoming": "text-bg-info",
    "full": "text-bg-warning",
    "closed": "text-bg-secondary",
}
ENROLLMENT_BADGES = {
    "applied": "text-bg-secondary",
    "waitlisted": "text-bg-warning",
    "offered": "text-bg-primary",
    "enrolled": "text-bg-success",
    "completed": "text-bg-success",
    "deferred": "text-bg-info",
    "withdrawn": "text-bg-light border",
    "rejected": "text-bg-danger",
}


@register.filter
def intake_badge(status: str) -> str:
    return INTAKE_BADGES.get(status, "text-bg-secondary")


@register.filter
def enrollment_badge(status: str) -> str:
    return ENROLLMENT_BADGES.get(status, "text-bg-secondary")


# Rule 8 (shared/domain.md): nothing public or made for funders shows a count from 1 to 4.
SMALLEST_COUNT_SHOWN = 5


@register.filter
def public_count(count: int) -> str:
    """A count as the public and funders may read it: 1–4 read "fewer than 5"."""
    if 0 < count < SMALLEST_COUNT_SHOWN:
        return _("fewer than %(n)s") % {"n": SMALLEST_COUNT_SHOWN}
    return number_format(count, force_grouping=True)
