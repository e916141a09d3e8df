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
        "name": intake.name,
        "capacity": capacity if capacity is not None else intake.capacity,
        "start_date": intake.start_date.isoformat(),
        "end_date": "",
        "applications_open_on": "",
        "applications_close_on": "",
        "_save": "Save",
    }
    existing_f = list(intake.fundings.order_by("funding_source__name"))
    data.update(
        {
            "fundings-TOTAL_FORMS": len(fundings),
            "fundings-INITIAL_FORMS": len(existing_f),
            "fundings-MIN_NUM_FORMS": 0,
            "fundings-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(fundings):
        for key, value in row.items():
            data[f"fundings-{i}-{key}"] = value
        data[f"fundings-{i}-intake"] = intake.pk
    existing_e = list(intake.enrollments.all())
    data.update(
        {
            "enrollments-TOTAL_FORMS": len(enrollments),
            "enrollments-INITIAL_FORMS": len(existing_e),
            "enrollments-MIN_NUM_FORMS": 0,
            "enrollments-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(enrollments):
        for key, value in row.items():
            data[f"enrollments-{i}-{key}"] = value
        data[f"enrollments-{i}-intake"] = intake.pk
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
