"""What every model module shares."""

from django.db import models
from django.db.models import Q


def _choices_constraint(field: str, choices: type[models.TextChoices], name: str):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"%(app_label)s_%(class)s_{name}",
    )
