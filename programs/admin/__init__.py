"""The staff's workplace, one module per topic. Every write that a rule depends on goes
through programs.services; importing this package registers every page."""

from . import enrollments, funding, intakes, outbox, programs, students

__all__ = ["enrollments", "funding", "intakes", "outbox", "programs", "students"]
