"""ApplicantResource: one row of the file, one student found or created and enrolled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import RowResult

from .. import services
from ..erasure import erased_email
from ..models import Enrollment, FundingSource, Intake, Organisation, Student
from .cleaning import (
    BirthDateWidget,
    CountryWidget,
    EmailWidget,
    PhoneWidget,
    TextWidget,
    cell_text,
    clean_status,
)
from .columns import COLUMN_LABELS, STUDENT_FIELDS

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The domain of the addresses that erasure gives records ("erased-12@invalid.example").
ERASED_DOMAIN = "@" + erased_email(0).partition("@")[2]


class EmailInstanceLoader(ModelInstanceLoader):
    """Find the existing student by email, whatever the capital letters (as the services do)."""

    def get_instance(self, row):
        email = cell_text(row.get("email"))
        return services.student_find_by_email(email) if email else None


@dataclass
class RowPlan:
    status: str = Enrollment.Status.APPLIED
    funding_source: FundingSource | None = None
    differences: list[str] = field(default_factory=list)
    enrollment: Enrollment | None = None
    student_id: int | None = None  # the existing student the row matched, if any
    # Participants (participants.py): empty details filled on an existing student, and the
    # organisation the row was given.
    fill: dict[str, Any] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)
    organisation: Organisation | None = None
    organisation_created: bool = False


class ApplicantResource(resources.ModelResource):
    """One row, one applicant: a Student found by email (update) or created (new), and a new
    Enrollment in `intake`. A row the rules refuse becomes an invalid row with the reasons."""

    # The column a refusal of each field is told under.
    labels = {name: COLUMN_LABELS[name] for name in STUDENT_FIELDS}
    default_status = Enrollment.Status.APPLIED  # a row with an empty status

    first_name = fields.Field(attribute="first_name", column_name="first_name", widget=TextWidget())
    last_name = fields.Field(attribute="last_name", column_name="last_name", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="email", widget=EmailWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=PhoneWidget())
    national_id = fields.Field(
        attribute="national_id", column_name="national_id", widget=TextWidget()
    )
    date_of_birth = fields.Field(
        attribute="date_of_birth", column_name="date_of_birth", widget=BirthDateWidget()
    )
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())

    class Meta:
        model = Student
        fields = STUDENT_FIELDS
        import_id_fields = ["email"]
        instance_loader_class = EmailInstanceLoader
        use_transactions = True
        skip_diff = True
        # The services clean what they save; the file's values are checked by the widgets.
        clean_model_instances = False

    def __init__(
        self,
        *,
        intake: Intake,
        by: User | None = None,
        reason: str = "",
        progress: Callable[[], None] | None = None,
        expected_students: dict[str, int] | None = None,
    ) -> None:
        super().__init__()
        # At a confirmation: the existing student each email matched in the dry run.
        self.expected_students = expected_students or {}
        self.intake = intake
        self.by = by
        self.reason = reason
        self.progress = progress
        self.seen_emails: dict[str, int] = {}
        self.plans: dict[int, RowPlan] = {}
        self.sources: dict[str, FundingSource] = {}
        self.line_numbers: list[int] = []

    def before_import(self, dataset, **kwargs) -> None:
        # All funding sources in one query: a few dozen rows at most.
        self.sources = {source.name.lower(): source for source in FundingSource.objects.all()}

    def line(self, row_number: int) -> int:
        if 0 < row_number <= len(self.line_numbers):
            return self.line_numbers[row_number - 1]
        return row_number + 1

    def before_import_row(self, row, row_number=None, **kwargs) -> None:
        email = cell_text(row.get("email"))
        if not email:
            raise ValidationError({"email": "The cell is empty; an email address is required."})
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": f"“{email}” is not a valid email address."}) from None
        if email.lower().endswith(ERASED_DOMAIN):
            # Such an address names an erased record: nothing may be added to it, and a new
            # student with it would block the erasure of the student whose pk it carries.
            raise ValidationError(
                {
                    "email": _(
                        "“%(email)s” is the address given to an erased record; it belongs to "
                        "nobody and cannot be imported."
                    )
                    % {"email": email}
                }
            )
        earlier = self.seen_emails.setdefault(email.lower(), row_number)
        if earlier != row_number:
            raise ValidationError(
                {
                    "email": f"{email} is already on row {self.line(earlier)} of this file; "
                    "an applicant can appear only once."
                }
            )

    def import_instance(self, instance: Student, row, **kwargs) -> None:
        errors: dict[str, Any] = {}
        plan = RowPlan()
        self.plans[kwargs["row_number"]] = plan
        plan.student_id = instance.pk
        self._check_same_student(instance, cell_text(row.get("email")))
        if instance.pk is None:
            try:
                super().import_instance(instance, row, **kwargs)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            for name in ("first_name", "last_name"):
                if name not in errors and not getattr(instance, name):
                    errors[name] = [
                        f"The cell is empty; a {COLUMN_LABELS[name].lower()} is required."
                    ]
        else:
            # An existing student keeps the details on record; say where the file differs.
            for name in STUDENT_FIELDS:
                try:
                    value = self.fields[name].clean(row)
                except ValueError:
                    continue
                current = getattr(instance, name)
                if name == "country":
                    current = current.code
                if name == "email":
                    value, current = value.lower(), current.lower()
                if value not in (None, "") and value != current:
                    plan.differences.append(COLUMN_LABELS[name].lower())
        try:
            plan.status = clean_status(row.get("status"))
        except ValueError as error:
            errors["status"] = [str(error)]
        else:
            if plan.status == Enrollment.Status.WITHDRAWN:
                errors["status"] = [
                    _(
                        "A withdrawal needs an exit reason and date, which the import does not "
                        "carry: import the row with another status, then record the withdrawal "
                        "on the enrollment's page."
                    )
                ]
        source_name = cell_text(row.get("funding_source"))
        if source_name:
            plan.funding_source = self.sources.get(source_name.lower())
            if plan.funding_source is None:
                errors["funding_source"] = [
                    f"“{source_name}” is not a funding source. Use the name exactly as in the "
                    "admin, for example HEC–Alibaba Joint Scholarship, or leave it empty."
                ]
        if errors:
            raise ValidationError(errors)

    def _check_same_student(self, instance: Student, email: str) -> None:
        """Refuse a row whose student is not the one the dry run showed, above all one whose
        personal data was erased since: importing the row would re-create what was erased."""
        if instance.pk is not None and instance.erased_at is not None:
            raise ValidationError(
                {"erased": _("This student's personal data was erased; nothing can be added.")}
            )
        expected = self.expected_students.get(email.lower())
        if expected is None or expected == instance.pk:
            return
        if Student.objects.filter(pk=expected, erased_at__isnull=False).exists():
            message = _(
                "The personal data of this applicant was erased after the dry run; the row "
                "cannot be imported. Remove it from the file and upload the file again."
            )
        else:
            message = _(
                "The student this row matched in the dry run has changed since (their email "
                "address is no longer %(email)s). Upload the file again to check it anew."
            ) % {"email": email}
        raise ValidationError({"erased": message})

    def save_instance(self, instance: Student, is_create: bool, row, **kwargs) -> None:
        plan = self.plans[kwargs["row_number"]]
        # A savepoint per row: a refused enrollment takes its new student with it.
        with transaction.atomic():
            if is_create:
                details = {name: getattr(instance, name) for name in STUDENT_FIELDS}
                email = details.pop("email")
                student, _created = services.student_get_or_create(email=email, **details)
                instance.pk = student.pk
            else:
                student = instance
            plan.enrollment = services.enrollment_create(
                student=student,
                intake=self.intake,
                status=plan.status,
                funding_source=plan.funding_source,
                by=self.by,
                reason=self.reason,
            )

    def after_import_row(self, row, row_result, **kwargs) -> None:
        if self.progress is not None:
            self.progress()

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        # import_row catches every error; progress must still move on a refused row.
        if row_result.import_type in (RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR):
            self.after_import_row(row, row_result, **kwargs)
        return row_result
