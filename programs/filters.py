"""The filters staff pass in a query string (?intake=ID&program=ID&funding_source=ID&status=…).

One form base, so that the enrollment export, the funder report and the pages that follow
(statements) refuse, log and name their filters the same way: an id that names nothing is a
form error (a 400 page listing it), the filters are logged with ids and names so the export log
reads on its own, and the file name says what was exported.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Enrollment, FundingSource, Intake, OrganisationKind, Partner, Program
from .models.students import Gender
from .selectors.impact import ImpactFilters


# pragma: no mutate start
# The three field makers run once, when the module is imported: before mutmut switches a
# mutant on, so no test could kill their mutants (docs/testing.md). test_filters_bite.py
# pins what they make: each refusal's words, and which of them is required.
def intake_field(**kwargs: Any) -> forms.ModelChoiceField:
    kwargs.setdefault("required", False)
    return forms.ModelChoiceField(
        queryset=Intake.objects.select_related("program"),
        error_messages={"invalid_choice": _("There is no intake with the id given.")},
        **kwargs,
    )


def program_field(**kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Program.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("There is no programme with the id given.")},
        **kwargs,
    )


def funding_source_field(**kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=FundingSource.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("There is no funding source with the id given.")},
        **kwargs,
    )


# pragma: no mutate end


class ProgrammesField(forms.ModelMultipleChoiceField):
    """Several programmes by id (?program=1&program=2). A value that is no id at all, or one
    past 64 bits (SQLite raises OverflowError on it), is refused before the lookup."""

    def clean(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else []:
            if not str(item).isdigit() or int(item) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super().clean(value)


class StaffFilterForm(forms.Form):
    """Optional filters read from request.GET. Subclasses declare the fields (with the
    functions above) and `log_via`, the words the export log uses for where it came from."""

    log_via = ""

    def as_log(self) -> dict[str, Any]:
        """The filters as stored in ExportLog: each record chosen by id and name, each list of
        choices as given. (A form choosing several records, ImpactReportForm, logs itself.)"""
        log: dict[str, Any] = {"via": self.log_via}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not value:
                continue
            if isinstance(field, forms.ModelChoiceField):
                log[name] = {"id": value.pk, "name": str(value)}
            elif isinstance(field, forms.MultipleChoiceField):
                log[name] = list(value)
        return log

    def scope(self) -> list[str]:
        """Words naming the export in its file name, in the fields' order: an intake as its
        programme and its name (its programme is then not named twice), a record by its name,
        a list of choices sorted. (A form choosing several records names them itself.)"""
        data = self.cleaned_data
        parts: list[str] = []
        for name, field in self.fields.items():
            value = data.get(name)
            if not value or (name == "program" and data.get("intake")):
                continue
            if name == "intake":
                parts += [value.program.slug, value.name]
            elif name == "program":
                parts.append(value.slug)
            elif isinstance(field, forms.ModelChoiceField):
                parts.append(str(value))
            elif isinstance(field, forms.MultipleChoiceField):
                parts += sorted(value)
        return parts


class EnrollmentExportFilterForm(StaffFilterForm):
    """The filters of the export URL: ?intake=ID&program=ID&funding_source=ID&status=enrolled
    &status=offered. Each is optional; status can repeat."""

    log_via = "staff URL"

    intake = intake_field()
    program = program_field()
    funding_source = funding_source_field()
    status = forms.MultipleChoiceField(
        choices=Enrollment.Status.choices,
        required=False,
        error_messages={
            # Lazy, so it is said in the language of the request that gets it.
            "invalid_choice": format_lazy(
                _("“%(value)s” is not a status. Use one of: {statuses}."),
                statuses=", ".join(Enrollment.Status.values),
            )
        },
    )

    def filter(self, queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
        data = self.cleaned_data
        if data["intake"]:
            queryset = queryset.filter(intake=data["intake"])
        if data["program"]:
            queryset = queryset.filter(intake__program=data["program"])
        if data["status"]:
            queryset = queryset.filter(status__in=data["status"])
        if data["funding_source"]:
            queryset = queryset.filter(funding_source=data["funding_source"])
        return queryset


class FunderReportForm(StaffFilterForm):
    """The funder report's filters; ?audience=funder gives the version to send to funders."""

    log_via = "funder report"

    funding_source = funding_source_field(empty_label=_("All funding sources"))
    intake = intake_field(empty_label=_("All intakes"))
    audience = forms.ChoiceField(
        choices=[("staff", _("Staff (with emails)")), ("funder", _("Funders (names only)"))],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Seats whose students pay have no funder to report to (selectors/funder_report.py).
        field = self.fields["funding_source"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = FundingSource.objects.exclude(kind=FundingSource.Kind.SELF)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A funders' version is sent to one funder: it lists that source's students only.
        if (
            data.get("audience") == "funder"
            and not data.get("funding_source")
            and "funding_source" not in self.errors
        ):
            self.add_error(
                "funding_source",
                _(
                    "The version for funders is made for one funding source: choose the "
                    "funding source it is for, so that it lists only that source's students."
                ),
            )
        return data


class CohortExportForm(StaffFilterForm):
    """The cohort export's one filter: ?intake=ID (required)."""

    log_via = "cohort export"

    intake = intake_field(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intake"].required = True
        self.fields["intake"].error_messages["required"] = _("Choose the intake to export.")


class FunderStatementForm(StaffFilterForm):
    """The statement's filters: ?partner=ID (required, a co-funder) and optionally &intake=ID."""

    log_via = "funder statement"

    partner = forms.ModelChoiceField(
        queryset=Partner.objects.filter(funding_shares__isnull=False).distinct(),
        error_messages={
            "invalid_choice": _("There is no co-funder with the id given."),
            "required": _("Choose the co-funder whose statement to show."),
        },
    )
    intake = intake_field(empty_label=_("All intakes"))


class ImpactReportForm(StaffFilterForm):
    """The staff impact report's filters: ?program=ID&program=ID&year=2026&country=RW
    &organisation_kind=startup&gender=woman. Each optional; program can repeat."""

    log_via = "impact report"

    program: forms.ModelMultipleChoiceField = ProgrammesField(
        queryset=Program.objects.all(),
        required=False,
        error_messages={
            "invalid_choice": _("There is no programme with the id %(value)s."),
            "invalid_pk_value": _("“%(pk)s” is not a programme's id."),
        },
    )
    year = forms.IntegerField(
        required=False,
        min_value=1900,
        max_value=2200,
        error_messages={"invalid": _("Give the year as four digits, such as 2026.")},
    )
    country = forms.ChoiceField(choices=[("", "")], required=False)
    organisation_kind = forms.ChoiceField(
        choices=[("", "")] + list(OrganisationKind.choices), required=False
    )
    gender = forms.ChoiceField(choices=[("", "")] + list(Gender.choices), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", ""), *countries]  # type: ignore[attr-defined]

    def filters(self) -> ImpactFilters:
        data = self.cleaned_data
        return ImpactFilters(
            programs=tuple(sorted(p.pk for p in data["program"] or [])),
            year=data["year"],
            country=data["country"],
            organisation_kind=data["organisation_kind"],
            gender=data["gender"],
        )

    def as_log(self) -> dict[str, Any]:
        data = self.cleaned_data
        log: dict[str, Any] = {"via": self.log_via}
        if data["program"]:
            log["program"] = [{"id": p.pk, "name": str(p)} for p in data["program"]]
        for name in ("year", "country", "organisation_kind", "gender"):
            if data[name]:
                log[name] = data[name]
        return log

    def scope(self) -> list[str]:
        data = self.cleaned_data
        parts = sorted(p.slug for p in data["program"] or [])
        parts += [
            str(data[n]) for n in ("year", "country", "organisation_kind", "gender") if data[n]
        ]
        return parts
