"""What the apply tests share: today in the site's zone, the apply URL and a valid application."""

import datetime

from django.urls import reverse
from django.utils import timezone


def today() -> datetime.date:
    """Today in Kigali when the test runs (not when the module was imported: a run can cross
    midnight, and the tests' age and date boundaries are one day wide)."""
    return timezone.localdate()


def years_ago(years: int, days: int = 0) -> datetime.date:
    return today().replace(year=today().year - years) - datetime.timedelta(days=days)


def apply_url(intake) -> str:
    return reverse("programs:intake-apply", args=[intake.pk])


def application(**changes) -> dict:
    data = {
        "first_name": "Claudine",
        "last_name": "Mukamana",
        "email": "claudine@example.rw",
        "phone": "+250788123456",
        "date_of_birth": "2001-09-30",
        "country": "RW",
        "funding_source": "",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
