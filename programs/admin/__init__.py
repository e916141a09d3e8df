"""The staff's workplace, one module per topic. Every write that a rule depends on goes
through programs.services; importing this package registers every page."""

from . import (
    cohort,
    enrollments,
    funding,
    impact,
    intakes,
    money,
    outbox,
    programs,
    statements,
    students,
)

__all__ = [
    "cohort",
    "enrollments",
    "funding",
    "impact",
    "intakes",
    "money",
    "outbox",
    "programs",
    "statements",
    "students",
]
