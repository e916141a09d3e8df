"""Organisations, matched by name when staff enter participants (issue 18)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import Organisation


def organisation_find(*, name: str, country: str = "") -> Organisation | None:
    """The organisation of this name, whatever the capitals and spaces: the one in `country`,
    else the only one of that name (a delegate abroad still works for the same ministry)."""
    name = " ".join(name.split())
    matches = list(Organisation.objects.filter(name__iexact=name).order_by("pk"))
    here = [organisation for organisation in matches if (organisation.country or "") == country]
    if here:
        return here[0]
    return matches[0] if len(matches) == 1 else None


def organisation_find_or_create(
    *, name: str, country: str = "", kind: str = Organisation.Kind.OTHER
) -> tuple[Organisation, bool]:
    """Find the organisation (organisation_find) or create it in `country` with `kind`.

    Two imports naming a new organisation at once: the second insert meets the unique index
    on (lower(name), country) and reads the first one's row instead (in a savepoint)."""
    name = " ".join(name.split())
    found = organisation_find(name=name, country=country)
    if found is not None:
        return found, False
    organisation = Organisation(name=name, country=country, kind=kind)
    organisation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        found = organisation_find(name=name, country=country)
        if found is None:
            raise
        return found, False
    return organisation, True
