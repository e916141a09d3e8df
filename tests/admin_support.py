"""What the admin tests share: the errors a re-rendered admin form shows, and the intake page's
POST (its form and inline form sets) built from an intake as saved."""

from http import HTTPStatus


def admin_errors(response) -> str:
    """All error text the admin shows on a re-rendered form."""
    assert response.status_code == HTTPStatus.OK, "expected the form back with errors"
    parts = []
    form = response.context["adminform"].form
    parts += [str(e) for errors in form.errors.values() for e in errors]
    for formset in response.context["inline_admin_formsets"]:
        parts += [str(e) for e in formset.formset.non_form_errors()]
        parts += [str(e) for form_errors in formset.formset.errors for e in form_errors.values()]
    return " ".join(parts)


def intake_post(intake, *, capacity=None, fundings=(), enrollments=(), **extra):
    """The intake change form as the admin renders it, with both inlines."""
    data = {
        "program": intake.program_id,
        "name_en": intake.name,
        "capacity": capacity if capacity is not None else intake.capacity,
        "start_date": intake.start_date.isoformat(),
        "end_date": "",
        "applications_open_on": "",
        "applications_close_on": "",
        "_save": "Save",
    }
    _add_inline(data, "fundings", fundings, intake, initial=intake.fundings.count())
    _add_inline(data, "enrollments", enrollments, intake, initial=intake.enrollments.count())
    data.update(extra)
    return data


def funding_rows(intake, **places_by_pk):
    return [
        {
            "id": f.pk,
            "funding_source": f.funding_source_id,
            "places": places_by_pk.get(str(f.pk), f.places),
        }
        for f in intake.fundings.order_by("funding_source__name")
    ]


def enrollment_rows(intake):
    return [
        {
            "id": e.pk,
            "student": e.student_id,
            "status": e.status,
            "funding_source": e.funding_source_id or "",
            "waitlist_position": e.waitlist_position or "",
        }
        for e in intake.enrollments.all()
    ]


def _add_inline(data: dict, prefix: str, rows, intake, *, initial: int) -> None:
    """One inline form set: its management form, then each row's fields under its prefix."""
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
        data[f"{prefix}-{i}-intake"] = intake.pk
