"""Participants of a short programme entered by staff: a pasted list or a file (issue 18).

A workshop's delegation arrives as a list of names with an organisation and a job title; an
email is often not known. The rows go through the applicant import's machinery (reading.py's
limits, the dry run and the all-or-nothing confirmation of run.py), with this resource:
- a row with an email finds the student by it (whatever the capitals) or creates one, as the
  applicant import does; a row without one always creates a new student;
- `name` ("Aline Uwase") or `first_name` and `last_name`: a full name is split at its last space;
- the organisation is matched by name (whatever the capitals; in the row's country first) or
  created with `organisation_kind` (other when empty);
- the status is enrolled when empty: these people take part, they do not apply.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from .. import services
from ..models import Enrollment, Organisation, Student
from .cleaning import CountryWidget, EmailWidget, PhoneWidget, TextWidget, cell_text, clean_status
from .columns import Layout
from .resource import ApplicantResource, RowPlan

Status = Enrollment.Status

PARTICIPANT_COLUMNS = [
    "name",
    "first_name",
    "last_name",
    "organisation",
    "organisation_kind",
    "job_title",
    "email",
    "phone",
    "country",
    "gender",
    "status",
]
# A pasted list without a header row is read in this order.
PASTED_COLUMNS = ["name", "organisation", "job_title", "email"]
PARTICIPANT_FIELDS = ["first_name", "last_name", "email", "phone", "country", "job_title", "gender"]
PARTICIPANT_LABELS = {
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "organisation": "Organisation",
    "organisation_kind": "Organisation kind",
    "job_title": "Job title",
    "email": "Email",
    "phone": "Phone",
    "country": "Country",
    "gender": "Gender",
    "status": "Status",
}


def _missing_name(headers: list[str]) -> str:
    if "name" in headers or ("first_name" in headers and "last_name" in headers):
        return ""
    return "name (or first_name and last_name)"


PARTICIPANTS_TOO_MANY = gettext_lazy(
    "The file has more than %(limit)s participant rows; an import takes at most %(limit)s. "
    "Split it into smaller files."
)
PARTICIPANTS = Layout(
    columns=PARTICIPANT_COLUMNS,
    missing=_missing_name,
    required_text="only a name is required: name, or first_name and last_name",
    rows_noun="participant rows",
    too_wide=gettext_lazy(
        "Row %(line)s has values in %(count)s columns; a participant file has at most "
        "%(limit)s. Check that this is the list of participants."
    ),
    overlong=gettext_lazy(
        "Row %(line)s has a cell of %(length)s characters; a cell of a participant file "
        "holds at most %(limit)s. Check that this is the list of participants."
    ),
    too_long_sheet=gettext_lazy(
        "The file has more than %(limit)s rows, empty ones included. Delete the "
        "empty rows below the participants (or split the file) and upload it again."
    ),
    # Participants are added on the admin's page only: no command takes a bigger file.
    too_many_rows_here=PARTICIPANTS_TOO_MANY,
    too_many_rows=PARTICIPANTS_TOO_MANY,
)


def choice(value: Any, choices: Any) -> str:
    """A choice given by its value or its label (English or the staff's language)."""
    text = cell_text(value).casefold()
    if not text:
        return ""
    with translation.override("en"):
        english = {choice.value: str(choice.label).casefold() for choice in choices}
    for choice in choices:
        if text in (choice.value, str(choice.label).casefold(), english[choice.value]):
            return choice.value
    raise ValueError(
        _("“%(text)s” is not one of: %(values)s.")
        % {"text": cell_text(value), "values": ", ".join(choices.values)}
    )


class GenderWidget(TextWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        return choice(value, Student.Gender)


def split_name(full_name: str) -> tuple[str, str]:
    """ "Aline Marie Uwase" -> ("Aline Marie", "Uwase"); one word cannot be split."""
    first, _space, last = " ".join(full_name.split()).rpartition(" ")
    return first, last


class ParticipantResource(ApplicantResource):
    """One row, one participant: a student found by email or created, given an organisation
    and job title, and enrolled in the intake."""

    job_title = fields.Field(attribute="job_title", column_name="job_title", widget=TextWidget())
    gender = fields.Field(attribute="gender", column_name="gender", widget=GenderWidget())
    email = fields.Field(attribute="email", column_name="email", widget=EmailWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=PhoneWidget())
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())

    class Meta(ApplicantResource.Meta):
        fields = PARTICIPANT_FIELDS

    labels = PARTICIPANT_LABELS
    default_status = Status.ENROLLED

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen_people: dict[tuple[str, str, str], int] = {}

    def before_import_row(self, row, row_number=None, **kwargs) -> None:
        # A full name fills first_name and last_name when they are empty.
        full_name = cell_text(row.get("name"))
        if full_name and not (cell_text(row.get("first_name")) or cell_text(row.get("last_name"))):
            first, last = split_name(full_name)
            if not first:
                raise ValidationError(
                    {
                        "name": _(
                            "“%(name)s” is one word: write the first and the last name, or use "
                            "the first_name and last_name columns."
                        )
                        % {"name": full_name}
                    }
                )
            row["first_name"], row["last_name"] = first, last
        if cell_text(row.get("email")):
            super().before_import_row(row, row_number=row_number, **kwargs)
            return
        key = (
            cell_text(row.get("first_name")).casefold(),
            cell_text(row.get("last_name")).casefold(),
            cell_text(row.get("organisation")).casefold(),
        )
        earlier = self.seen_people.setdefault(key, row_number)
        if earlier != row_number:
            raise ValidationError(
                {
                    "name": _(
                        "The same name and organisation are already on row %(row)s of this "
                        "file; give each person's email to tell two people apart."
                    )
                    % {"row": self.line(earlier)}
                }
            )

    def import_instance(self, instance: Student, row, **kwargs) -> None:
        errors: dict[str, Any] = {}
        plan = RowPlan()
        self.plans[kwargs["row_number"]] = plan
        plan.student_id = instance.pk
        email = cell_text(row.get("email"))
        if email:
            self._check_same_student(instance, email)
        values = self._clean_values(row, errors)
        if instance.pk is None:
            for name, value in values.items():
                setattr(instance, name, value)
            for name in ("first_name", "last_name"):
                if name not in errors and not getattr(instance, name):
                    errors[name] = [
                        f"The cell is empty; a {PARTICIPANT_LABELS[name].lower()} is required."
                    ]
            if not email and "first_name" not in errors and "last_name" not in errors:
                self._check_not_in_intake(instance, errors)
        else:
            self._compare(instance, values, plan)
        try:
            plan.status = clean_status(row.get("status")) if cell_text(row.get("status")) else ""
        except ValueError as error:
            errors["status"] = [str(error)]
        plan.status = plan.status or self.default_status
        if plan.status == Status.WITHDRAWN:
            errors["status"] = [
                _(
                    "A withdrawal needs an exit reason and date, which the import does not "
                    "carry: import the row with another status, then record the withdrawal "
                    "on the enrollment's page."
                )
            ]
        try:
            self._organisation_kind(row)
        except ValueError as error:
            errors["organisation_kind"] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def _clean_values(self, row, errors: dict[str, Any]) -> dict[str, Any]:
        """The row's clean values; a cell that does not clean gets its error instead."""
        values = {}
        for name in PARTICIPANT_FIELDS:
            try:
                values[name] = self.fields[name].clean(row)
            except ValueError as error:
                errors[name] = [f"{PARTICIPANT_LABELS[name]}: {error}"]
        return values

    def _check_not_in_intake(self, instance: Student, errors: dict[str, Any]) -> None:
        """A row without an email is a new person, unless this intake already has someone of
        that name: most likely the same person, pasted twice."""
        namesake = (
            Enrollment.objects.filter(
                intake=self.intake,
                student__first_name__iexact=instance.first_name,
                student__last_name__iexact=instance.last_name,
                student__erased_at__isnull=True,
            )
            .select_related("student")
            .first()
        )
        if namesake is not None:
            errors["name"] = [
                _(
                    "%(name)s is already in this intake (%(status)s). Give the email address "
                    "if this is another person of the same name."
                )
                % {"name": namesake.student.full_name, "status": namesake.get_status_display()}
            ]

    def _compare(self, instance: Student, values: dict[str, Any], plan: RowPlan) -> None:
        """An existing student keeps what is on record; empty details are filled from the row
        (saved with the enrollment), and the differences are noted."""
        for name, value in values.items():
            current = getattr(instance, name)
            if name == "country":
                current = current.code
            if name == "email":
                value, current = value.lower(), (current or "").lower()
            if value in (None, ""):
                continue
            if current in (None, ""):
                plan.fill[name] = value
            elif value != current:
                plan.differences.append(PARTICIPANT_LABELS[name].lower())

    def _organisation_kind(self, row) -> str:
        return choice(row.get("organisation_kind"), Organisation.Kind)

    def _organisation(self, row, country: str, plan: RowPlan) -> Organisation | None:
        name = " ".join(cell_text(row.get("organisation")).split())
        if not name:
            return None
        kind = self._organisation_kind(row) or Organisation.Kind.OTHER
        try:
            organisation, plan.organisation_created = services.organisation_find_or_create(
                name=name, country=country, kind=kind
            )
        except ValidationError as error:
            raise ValidationError({"organisation": error.messages}) from None
        return organisation

    def save_instance(self, instance: Student, is_create: bool, row, **kwargs) -> None:
        plan = self.plans[kwargs["row_number"]]
        with transaction.atomic():
            country = instance.country.code if instance.country else ""
            organisation = self._organisation(row, country, plan)
            plan.organisation = organisation
            if is_create:
                details = {name: getattr(instance, name) for name in PARTICIPANT_FIELDS}
                email = details.pop("email")
                if email:
                    student, _created = services.student_get_or_create(
                        email=email, organisation=organisation, **details
                    )
                else:
                    student = Student(organisation=organisation, **details)
                    student.full_clean()
                    student.save()
                instance.pk = student.pk
            else:
                student = instance
                fill = dict(plan.fill)
                if organisation is not None and student.organisation_id is None:
                    fill["organisation"] = organisation
                elif organisation is not None and student.organisation_id != organisation.pk:
                    plan.differences.append("organisation")
                if fill:
                    for name, value in fill.items():
                        setattr(student, name, value)
                    student.full_clean()
                    student.save(update_fields=[*fill])
                    plan.filled = [PARTICIPANT_LABELS.get(n, n).lower() for n in fill]
            plan.enrollment = services.enrollment_create(
                student=student,
                intake=self.intake,
                status=plan.status,
                by=self.by,
                reason=self.reason,
            )
