"""The permission matrix's rows for issue 18's pages (tests/test_permission_matrix.py walks
them with the rest): organisations, outcomes, testimonials and certificates in the admin.

Finance reads what a payment depends on; what participants did afterwards is none of it."""

from django.urls import reverse

from .factories import CertificateFactory, OrganisationFactory, OutcomeFactory
from .factories import TestimonialFactory as QuoteFactory
from .permission_support import FORBIDDEN, LOGIN, NOBODY, OK, OWNER_ONLY, PUBLIC
from .permission_support import STAFF_CHANGE as CHANGERS

# Per role: anonymous, student, other student, viewer, finance, manager, superuser.
READERS = (LOGIN, LOGIN, LOGIN, OK, FORBIDDEN, OK, OK)
# A staff page outside the admin: a signed-in student is refused, not sent to sign in.
PRINTERS = (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, OK)
# Counted in the impact figures: never deleted (a certificate is revoked instead).
NEVER_DELETED = {"organisation", "outcome", "certificate"}
# Issued by services.certificate_issue for a completed enrollment only.
NEVER_ADDED = {"certificate"}


def _objects(world) -> dict:
    if "impact" not in world:
        student = world["own"].student
        world["impact"] = {
            "organisation": OrganisationFactory(),
            "outcome": OutcomeFactory(student=student),
            "testimonial": QuoteFactory(student=student),
            "certificate": CertificateFactory(),
            "own_certificate": CertificateFactory(enrollment=world["own"]),
        }
    return world["impact"]


def impact_rows(world) -> list[tuple]:
    objects = _objects(world)
    own = objects["own_certificate"]
    rows: list[tuple] = [
        (
            "programs:certificate-verify",
            "get",
            reverse("programs:certificate-verify", args=[own.code]),
            PUBLIC,
        ),
        (
            "programs:my-certificate",
            "get",
            reverse("programs:my-certificate", args=[own.enrollment_id]),
            OWNER_ONLY,
        ),
        (
            "programs:certificate-print",
            "get",
            reverse("programs:certificate-print", args=[own.pk]),
            PRINTERS,
        ),
    ]
    for model, row in objects.items():
        if model == "own_certificate":
            continue

        def url(view: str, *args, model=model) -> str:
            return reverse(f"admin:programs_{model}_{view}", args=args)

        name = f"admin:programs_{model}"
        rows += [
            (f"{name}_changelist", "get", url("changelist"), READERS),
            (f"{name}_change", "get", url("change", row.pk), READERS),
            (f"{name}_history", "get", url("history", row.pk), READERS),
            (f"{name}_add", "get", url("add"), NOBODY if model in NEVER_ADDED else CHANGERS),
            (
                f"{name}_delete",
                "get",
                url("delete", row.pk),
                NOBODY if model in NEVER_DELETED else CHANGERS,
            ),
        ]
        history = getattr(row, "history", None)
        if history is not None:
            version = url("simple_history", row.pk, history.first().history_id)
            rows += [
                (f"{name}_simple_history", "get", version, READERS),
                (f"{name}_simple_history (restore)", "post", version, NOBODY),
            ]
    public = (OK,) * 7
    # Counts only, like the intake dashboard: staff with programs.view_intake (finance too).
    report = (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK, OK)
    rows += [
        ("programs:impact", "get", reverse("programs:impact"), public),
        ("programs:impact-report", "get", reverse("programs:impact-report"), report),
        ("programs:impact-report-csv", "get", reverse("programs:impact-report-csv"), report),
    ]
    return rows
