"""The funder report on the demo data: the numbers staff and funders read, and who may read them."""

import csv
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from programs import reports
from programs.models import Enrollment, ExportLog, FundingSource, Intake

from .factories import StaffFactory

pytestmark = pytest.mark.django_db

REPORT_URL = reverse("programs:funder-report")
CSV_URL = reverse("programs:funder-report-csv")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module inside a transaction rolled back at its end.

    Each test's own transaction nests inside (a savepoint), so tests may change the data.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--no-staff", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


@pytest.fixture
def september(demo):
    return Intake.objects.get(name="September 2027")


@pytest.fixture
def scholarship(demo):
    return FundingSource.objects.get(name="HEC–Alibaba Joint Scholarship")


def _line(report: reports.SourceReport, intake_name: str) -> reports.IntakeLine:
    (line,) = [line for line in report.lines if line.intake.name == intake_name]
    return line


# --- the numbers ---------------------------------------------------------------------------


def test_the_demo_intake_has_14_of_its_20_jointly_funded_places_filled(september, scholarship):
    (report,) = reports.funder_report(funding_source=scholarship)

    line = _line(report, "September 2027")
    assert (line.places, line.filled, line.left) == (20, 14, 6)
    # seed_demo's invented split and cost (the real ones are not public): 50/50, 3,000,000 RWF.
    assert [(s.partner.short_name, s.share_percent) for s in report.shares] == [
        ("HEC", 50),
        ("Alibaba", 50),
    ]
    assert report.shares_given
    assert line.filled_text == "14 filled: 12 enrolled, 2 offered"
    # 12 enrolled commit 36,000,000 RWF; the 2 offers, 6,000,000, are pending.
    assert (line.committed_total, line.pending_total) == (Decimal("36000000"), Decimal("6000000"))
    assert [(c.name, c.share_text, c.amount) for c in line.co_funders] == [
        ("HEC", "50%", Decimal("18000000.00")),
        ("Alibaba", "50%", Decimal("18000000.00")),
    ]
    assert len(line.students) == 14
    assert {s.status for s in line.students} == {"enrolled", "offered"}


def test_the_demo_intake_reports_both_of_its_funding_sources(september):
    numbers = {
        r.source.name: (r.places, r.filled, r.left) for r in reports.funder_report(intake=september)
    }

    # Its 2 other seats have no funding source (self-funded): no funder to report to.
    assert numbers == {"HEC–Alibaba Joint Scholarship": (20, 14, 6)}


def test_unknown_shares_give_the_total_only(scholarship, september):
    scholarship.shares.update(share_percent=None)

    (report,) = reports.funder_report(funding_source=scholarship, intake=september)

    line = report.lines[0]
    # 12 enrolled x 3,000,000 committed; the 2 offers are pending, apart.
    assert line.committed_total == Decimal("36000000.00")
    assert line.pending_total == Decimal("6000000.00")
    assert [c.amount for c in line.co_funders] == [None, None]


def test_known_shares_split_the_commitment(demo):
    grant = FundingSource.objects.get(name="eFounders Fellowship Grant")

    (report,) = reports.funder_report(funding_source=grant)

    past = _line(report, "2025 cohort")
    assert (past.places, past.filled, past.left) == (20, 18, 2)
    assert past.committed_total == Decimal("81000.00")  # 18 x 4,500 USD
    assert [(c.name, c.share_text, c.amount) for c in past.co_funders] == [
        ("ABS", "60%", Decimal("48600.00")),
        ("UNCTAD", "40%", Decimal("32400.00")),
    ]
    upcoming = _line(report, "2027 cohort")
    assert (upcoming.filled, upcoming.committed_total) == (0, Decimal("0.00"))
    assert [(c.name, c.amount) for c in report.co_funder_totals] == [
        ("ABS", Decimal("48600.00")),
        ("UNCTAD", Decimal("32400.00")),
    ]


def test_only_seat_holding_enrollments_fill_a_funded_place(september, scholarship):
    """The 4 applicants and 2 waitlisted who asked for the scholarship hold no place."""
    asked = september.enrollments.filter(funding_source=scholarship).count()

    (report,) = reports.funder_report(funding_source=scholarship, intake=september)

    assert asked == 20
    assert report.lines[0].filled == 14


def test_the_report_makes_five_queries_however_many_sources(demo, django_assert_num_queries):
    # 1 intake fundings, 2 filled counts, 3 funded students, 4 sources, 5 their co-funders
    with django_assert_num_queries(5):
        sources = reports.funder_report()
    assert len(sources) == 2

    extra = FundingSource.objects.create(name="RDB Bursary", kind=FundingSource.Kind.GOVERNMENT)
    for intake in Intake.objects.all()[:2]:
        intake.fundings.create(funding_source=extra, places=1)
    with django_assert_num_queries(5):
        sources = reports.funder_report()
    assert len(sources) == 3


# --- the staff page ------------------------------------------------------------------------


def test_managers_read_the_report_with_emails(client, manager, september, scholarship):
    client.force_login(manager)

    response = client.get(REPORT_URL, {"funding_source": scholarship.pk})

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "HEC (50%); Alibaba (50%)." in page
    assert "14 of 20 funded places filled (6 left)." in page
    assert "14 filled: 12 enrolled, 2 offered" in page
    student = september.enrollments.filter(funding_source=scholarship, status="enrolled").first()
    assert student.student.email in page
    assert not ExportLog.objects.exists()  # the staff page stays in the tracker


def test_the_funders_version_names_students_and_nothing_more(
    client, manager, september, scholarship
):
    client.force_login(manager)

    response = client.get(REPORT_URL, {"funding_source": scholarship.pk, "audience": "funder"})

    page = response.content.decode()
    funded = september.enrollments.seat_holding().filter(funding_source=scholarship)
    others = september.enrollments.exclude(pk__in=funded)
    for enrollment in funded.select_related("student"):
        assert enrollment.student.full_name in page
    for enrollment in september.enrollments.select_related("student"):
        assert enrollment.student.email not in page
        assert enrollment.student.phone not in page
    for enrollment in others.select_related("student"):
        assert enrollment.student.full_name not in page
    assert "@" not in page
    assert "14 funded students" in page
    # Made to be sent out, so it is on record like the CSV.
    log = ExportLog.objects.get()
    # 14 in September 2027 and the 17 still funded of the September 2025 cohort (seed_demo).
    assert (log.kind, log.user, log.row_count) == (ExportLog.Kind.FUNDER_REPORT, manager, 31)
    assert log.filters == {
        "via": "funders' version (page)",
        "funding_source": {"id": scholarship.pk, "name": scholarship.name},
    }


def test_an_unscoped_report_over_the_limit_shows_numbers_and_links_only(
    client, manager, september, scholarship, monkeypatch
):
    """Every source of every year can mean 100,000 names (12 MB of HTML): above
    REPORT_STUDENT_LIMIT students the page shows the numbers, each line linking to its list."""
    from programs import views_staff

    client.force_login(manager)
    funded = september.enrollments.seat_holding().filter(funding_source=scholarship)
    total = Enrollment.objects.seat_holding().filter(funding_source__isnull=False).count()
    name = funded.select_related("student").first().student.full_name

    monkeypatch.setattr(views_staff, "REPORT_STUDENT_LIMIT", total)  # at the limit: listed
    assert name in client.get(REPORT_URL).content.decode()

    monkeypatch.setattr(views_staff, "REPORT_STUDENT_LIMIT", total - 1)  # one over: not
    page = client.get(REPORT_URL).content.decode()
    assert name not in page
    assert f"More than {total - 1} students hold the funded places" in page
    assert "14 of 20 funded places filled (6 left)." in page
    link = f"?funding_source={scholarship.pk}&amp;intake={september.pk}"
    assert link in page
    # The line's own report lists its students.
    listed = client.get(REPORT_URL, {"funding_source": scholarship.pk, "intake": september.pk})
    assert name in listed.content.decode()
    # The funders' version follows the same rule; the CSV lists everyone.
    monkeypatch.setattr(views_staff, "REPORT_STUDENT_LIMIT", 10)
    funders = client.get(
        REPORT_URL, {"funding_source": scholarship.pk, "audience": "funder"}
    ).content.decode()
    assert name not in funders and "14 funded students" in funders
    assert name in b"".join(client.get(CSV_URL).streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize(
    ("role", "status"),
    [("viewer", HTTPStatus.FORBIDDEN), ("manager", HTTPStatus.OK), ("superuser", HTTPStatus.OK)],
)
def test_who_may_read_the_report(client, db, request, role, status):
    user = StaffFactory(username="root") if role == "superuser" else request.getfixturevalue(role)
    client.force_login(user)

    assert client.get(REPORT_URL).status_code == status
    assert client.get(CSV_URL).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(REPORT_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert "next=" in response.url


def test_a_bad_filter_is_a_400(client, manager):
    client.force_login(manager)

    response = client.get(REPORT_URL, {"funding_source": "HEC"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "There is no funding source with the id given." in response.content.decode()


# --- the CSV -------------------------------------------------------------------------------


def test_the_csv_for_funders_has_the_numbers_and_names_only(client, manager, september, demo):
    client.force_login(manager)

    response = client.get(CSV_URL, {"intake": september.pk})

    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body[3:].decode("utf-8"))))
    numbers = [
        (r["Funding source"], r["Co-funders"], r["Funded places"], r["Places filled"],
         r["Enrolled"], r["Offered"], r["Places left"], r["Committed by HEC"])
        for r in rows
    ]  # fmt: skip
    # One row per source and intake; HEC's half of the 12 enrolled students' places.
    assert numbers == [
        (
            "HEC–Alibaba Joint Scholarship",
            "HEC (50%); Alibaba (50%)",
            "20",
            "14",
            "12",
            "2",
            "6",
            "18000000.00",
        ),
    ]
    assert len(rows[0]["Funded students"].split("; ")) == 14
    assert "@" not in body.decode("utf-8")
    assert response["Cache-Control"] == "no-store"
    assert (
        "funder-report-international-business-cross-border-ecommerce-september-2027-"
        in (response["Content-Disposition"])
    )
    log = ExportLog.objects.get()
    assert (log.kind, log.user, log.row_count) == (ExportLog.Kind.FUNDER_REPORT, manager, 1)
    assert log.filters == {
        "via": "funder report",
        "intake": {"id": september.pk, "name": str(september)},
    }


def test_the_csv_escapes_formula_like_names(client, manager, september, scholarship):
    enrollment = (
        Enrollment.objects.seat_holding().filter(intake=september, funding_source=scholarship)
    ).first()
    enrollment.student.first_name = "=HYPERLINK(x)"
    enrollment.student.last_name = "Aaron"  # first in the names cell
    enrollment.student.save()
    scholarship.name = "+Scholarship"
    scholarship.save()
    client.force_login(manager)

    body = b"".join(client.get(CSV_URL, {"funding_source": scholarship.pk}).streaming_content)

    rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))
    assert {row[0] for row in rows[1:]} == {"'+Scholarship"}
    assert rows[1][rows[0].index("Funded students")].startswith("'=HYPERLINK(x) Aaron; ")
