"""Badge colours for the public templates."""

from django import template

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
