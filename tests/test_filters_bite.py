"""The query-string filters at the form, on the edges mutation testing found unchecked: the
exact words of each refusal, what the export log keeps, the words of the file name, what each
filter narrows, and the year's and the id's boundaries."""

from __future__ import annotations

import pytest

from programs.filters import (
    CohortExportForm,
    EnrollmentExportFilterForm,
    FunderReportForm,
    FunderStatementForm,
    ImpactReportForm,
)
from programs.models import Enrollment, FundingSource
from programs.selectors.impact import ImpactFilters

from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    PartnerFactory,
    ProgramFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


def _errors(form) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_each_id_that_names_nothing_is_refused_in_its_own_words():
    form = EnrollmentExportFilterForm({"intake": "999", "program": "998", "funding_source": "997"})
    assert _errors(form) == {
        "intake": ["There is no intake with the id given."],
        "program": ["There is no programme with the id given."],
        "funding_source": ["There is no funding source with the id given."],
    }


def test_a_status_that_is_none_lists_the_statuses_there_are():
    form = EnrollmentExportFilterForm({"status": ["enrolled", "bogus"]})
    statuses = ", ".join(Status.values)
    assert _errors(form) == {"status": [f"“bogus” is not a status. Use one of: {statuses}."]}


def test_no_filter_is_needed_and_none_narrows_anything(september_intake):
    rows = EnrollmentFactory.create_batch(2, intake=september_intake)
    form = EnrollmentExportFilterForm({})
    assert form.is_valid(), form.errors
    assert set(form.filter(Enrollment.objects.all())) == set(rows)
    assert form.as_log() == {"via": "staff URL"}
    assert form.scope() == []


def test_each_filter_narrows_by_its_own_field(september_intake, joint_scholarship):
    other_intake = IntakeFactory(program=september_intake.program)
    other_program = IntakeFactory()
    other_source = FundingSourceFactory()
    wanted = EnrollmentFactory(
        intake=september_intake, status=Status.ENROLLED, funding_source=joint_scholarship
    )
    EnrollmentFactory(intake=september_intake, status=Status.OFFERED)
    EnrollmentFactory(intake=other_intake, status=Status.ENROLLED)
    EnrollmentFactory(intake=other_program, status=Status.ENROLLED)
    EnrollmentFactory(intake=september_intake, status=Status.ENROLLED, funding_source=other_source)

    def narrowed(**query) -> set:
        form = EnrollmentExportFilterForm(query)
        assert form.is_valid(), form.errors
        return set(form.filter(Enrollment.objects.all()))

    everything = set(Enrollment.objects.all())
    assert narrowed(intake=str(september_intake.pk)) == {
        e for e in everything if e.intake_id == september_intake.pk
    }
    assert narrowed(program=str(september_intake.program_id)) == {
        e for e in everything if e.intake.program_id == september_intake.program_id
    }
    assert narrowed(status=["offered"]) == {e for e in everything if e.status == Status.OFFERED}
    assert narrowed(funding_source=str(joint_scholarship.pk)) == {wanted}
    assert narrowed(
        intake=str(september_intake.pk),
        status=["enrolled"],
        funding_source=str(joint_scholarship.pk),
    ) == {wanted}


def _every_filter(intake, source) -> EnrollmentExportFilterForm:
    """The export's form with every filter set, statuses out of order."""
    form = EnrollmentExportFilterForm(
        {
            "intake": str(intake.pk),
            "program": str(intake.program_id),
            "funding_source": str(source.pk),
            "status": ["offered", "enrolled"],
        }
    )
    assert form.is_valid(), form.errors
    return form


def test_the_log_keeps_each_record_by_id_and_name_and_the_statuses_as_given(
    september_intake, joint_scholarship
):
    form = _every_filter(september_intake, joint_scholarship)
    assert form.as_log() == {
        "via": "staff URL",
        "intake": {"id": september_intake.pk, "name": str(september_intake)},
        "program": {"id": september_intake.program_id, "name": september_intake.program.name},
        "funding_source": {"id": joint_scholarship.pk, "name": joint_scholarship.name},
        "status": ["offered", "enrolled"],
    }


def test_the_file_name_says_the_intake_once_the_source_and_the_statuses_sorted(
    september_intake, joint_scholarship
):
    form = _every_filter(september_intake, joint_scholarship)
    assert form.scope() == [
        september_intake.program.slug,
        "September 2027",
        "HEC–Alibaba Joint Scholarship",
        "enrolled",
        "offered",
    ]


def test_a_programme_alone_is_named_by_its_slug(september_intake):
    form = EnrollmentExportFilterForm({"program": str(september_intake.program_id)})
    assert form.is_valid(), form.errors
    assert form.scope() == [september_intake.program.slug]


def test_the_funder_report_offers_no_self_paid_source_and_says_what_it_lists(joint_scholarship):
    self_paid = FundingSourceFactory(kind=FundingSource.Kind.SELF)
    form = FunderReportForm({})
    assert list(form.fields["funding_source"].queryset) == [joint_scholarship]
    choices = [str(label) for _, label in form.fields["funding_source"].choices]
    assert choices[0] == "All funding sources"
    assert str(form.fields["intake"].empty_label) == "All intakes"
    assert _errors(FunderReportForm({"funding_source": str(self_paid.pk)})) == {
        "funding_source": ["There is no funding source with the id given."]
    }
    assert [str(label) for _, label in form.fields["audience"].choices] == [
        "Staff (with emails)",
        "Funders (names only)",
    ]


def test_the_funders_version_needs_one_source_and_says_why(joint_scholarship):
    assert _errors(FunderReportForm({"audience": "funder"})) == {
        "funding_source": [
            "The version for funders is made for one funding source: choose the funding "
            "source it is for, so that it lists only that source's students."
        ]
    }
    # A source that names nothing is said once, in its own words.
    assert _errors(FunderReportForm({"audience": "funder", "funding_source": "999"})) == {
        "funding_source": ["There is no funding source with the id given."]
    }
    staff_version = FunderReportForm({"audience": "staff"})
    assert staff_version.is_valid(), staff_version.errors
    chosen = FunderReportForm(
        data={"audience": "funder", "funding_source": str(joint_scholarship.pk)}
    )
    assert chosen.is_valid(), chosen.errors
    assert chosen.as_log() == {
        "via": "funder report",
        "funding_source": {"id": joint_scholarship.pk, "name": joint_scholarship.name},
    }


def test_the_cohort_export_asks_for_its_intake(september_intake):
    assert _errors(CohortExportForm({})) == {"intake": ["Choose the intake to export."]}
    form = CohortExportForm(data={"intake": str(september_intake.pk)})
    assert form.is_valid(), form.errors
    assert form.as_log()["via"] == "cohort export"
    # The other forms' intake stays optional.
    assert EnrollmentExportFilterForm({}).fields["intake"].required is False


def test_the_statement_offers_each_co_funder_once_and_no_other_partner(joint_scholarship):
    hec = joint_scholarship.shares.get(partner__name="HEC").partner
    FundingShareFactory(partner=hec)  # a second share: still one choice
    stranger = PartnerFactory(name="Not a co-funder")
    form = FunderStatementForm({})
    assert sorted(p.name for p in form.fields["partner"].queryset) == ["Alibaba", "HEC"]
    assert _errors(form) == {"partner": ["Choose the co-funder whose statement to show."]}
    assert _errors(FunderStatementForm({"partner": str(stranger.pk)})) == {
        "partner": ["There is no co-funder with the id given."]
    }
    chosen = FunderStatementForm({"partner": str(hec.pk)})
    assert chosen.is_valid(), chosen.errors
    assert chosen.as_log() == {"via": "funder statement", "partner": {"id": hec.pk, "name": "HEC"}}
    assert chosen.scope() == ["HEC"]


@pytest.mark.parametrize(
    "given, message",
    [
        ("abc", "“abc” is not a programme's id."),
        ("-1", "“-1” is not a programme's id."),
        (str(2**63), f"“{2**63}” is not a programme's id."),
        (str(2**63 - 1), f"There is no programme with the id {2**63 - 1}."),
    ],
)
def test_a_programme_id_that_is_none_is_refused_in_words_at_the_64_bit_edge(given, message):
    form = ImpactReportForm(data={"program": [given]})
    assert _errors(form) == {"program": [message]}
    code = "invalid_choice" if message.startswith("There") else "invalid_pk_value"
    assert form.has_error("program", code=code)


@pytest.mark.parametrize(
    "year, accepted", [("1899", False), ("1900", True), ("2200", True), ("2201", False)]
)
def test_the_impact_year_is_kept_between_1900_and_2200(year, accepted):
    assert ImpactReportForm({"year": year}).is_valid() is accepted


def test_a_year_that_is_no_number_says_how_to_give_it():
    assert _errors(ImpactReportForm({"year": "twenty"})) == {
        "year": ["Give the year as four digits, such as 2026."]
    }


def test_the_impact_filters_log_and_file_name_say_what_was_chosen():
    founders = ProgramFactory(slug="founders")
    trainers = ProgramFactory(slug="trainers")
    form = ImpactReportForm(
        data={
            "program": [str(trainers.pk), str(founders.pk)],
            "year": "2026",
            "country": "RW",
            "organisation_kind": "startup",
            "gender": "woman",
        }
    )
    assert form.is_valid(), form.errors
    assert form.filters() == ImpactFilters(
        programs=tuple(sorted([founders.pk, trainers.pk])),
        year=2026,
        country="RW",
        organisation_kind="startup",
        gender="woman",
    )
    log = form.as_log()
    assert log["via"] == "impact report"
    assert sorted((p["id"], p["name"]) for p in log["program"]) == sorted(
        [(founders.pk, founders.name), (trainers.pk, trainers.name)]
    )
    assert {k: log[k] for k in ("year", "country", "organisation_kind", "gender")} == {
        "year": 2026,
        "country": "RW",
        "organisation_kind": "startup",
        "gender": "woman",
    }
    assert form.scope() == ["founders", "trainers", "2026", "RW", "startup", "woman"]


def test_no_impact_filter_is_everything_and_logs_nothing_but_where_from():
    form = ImpactReportForm({})
    assert form.is_valid(), form.errors
    assert form.filters() == ImpactFilters()
    assert form.as_log() == {"via": "impact report"}
    assert form.scope() == []


@pytest.mark.parametrize(
    "field, value", [("country", "XX"), ("organisation_kind", "bank"), ("gender", "robot")]
)
def test_an_impact_choice_that_is_none_is_refused(field, value):
    assert list(_errors(ImpactReportForm({field: value}))) == [field]


def test_the_impact_form_offers_every_country_and_kind():
    form = ImpactReportForm({})
    countries = dict(form.fields["country"].choices)
    assert countries[""] == "" and str(countries["RW"]) == "Rwanda"
    assert "startup" in dict(form.fields["organisation_kind"].choices)


def test_the_funder_reports_file_name_says_the_source_then_the_intake(
    september_intake, joint_scholarship
):
    form = FunderReportForm(
        data={"funding_source": str(joint_scholarship.pk), "intake": str(september_intake.pk)}
    )
    assert form.is_valid(), form.errors
    assert form.scope() == [
        "HEC–Alibaba Joint Scholarship",
        september_intake.program.slug,
        "September 2027",
    ]
