"""The enrollment CSV export: exact bytes, who may export, filters, the log, queries, streaming."""

import csv
import datetime
import io
import random
import zoneinfo
from decimal import Decimal
from http import HTTPStatus
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.http import StreamingHttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from programs import exports
from programs.models import Enrollment, ExportLog, Student

from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
    ProgramFactory,
    StudentFactory,
    UserFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("programs:enrollment-export")
HEADER = (
    "Enrollment ID,First name,Last name,Email,Phone,National ID,Country,Programme,Intake,"
    "Intake start date,Status,Status changed on,Funding source,Co-funders,Applied on\r\n"
)


# --- users by role -------------------------------------------------------------------------


@pytest.fixture
def student_user(db):
    return UserFactory(username="a-student")


def _body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return response.getvalue()


def _rows(body: bytes) -> list[list[str]]:
    """Read an export back as a spreadsheet would, then undo the formula escaping."""
    assert body.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(body[3:].decode("utf-8"), newline=""))
    return [
        [
            cell[1:] if cell.startswith("'") and cell[1:2] in exports.FORMULA_TRIGGERS else cell
            for cell in row
        ]
        for row in reader
    ]


# --- the file, byte for byte ---------------------------------------------------------------


@pytest.fixture
def tricky_intake(db):
    """Three students whose details hit every trigger character and quoting rule."""
    program = ProgramFactory(name="Programme Ü", slug="programme-u")
    intake = IntakeFactory(
        program=program, name="September 2027", start_date=datetime.date(2027, 9, 6)
    )
    joint = FundingSourceFactory(name="HEC–Alibaba Joint Scholarship")
    FundingShareFactory(funding_source=joint, partner=PartnerFactory(short_name="HEC"))
    FundingShareFactory(funding_source=joint, partner=PartnerFactory(short_name="Alibaba"))
    grant = FundingSourceFactory(name="Fellowship grant")
    FundingShareFactory(
        funding_source=grant, partner=PartnerFactory(short_name="ABS"), share_percent=60
    )
    FundingShareFactory(
        funding_source=grant, partner=PartnerFactory(short_name="UNCTAD"), share_percent=40
    )
    IntakeFundingFactory(intake=intake, funding_source=joint, places=10)
    IntakeFundingFactory(intake=intake, funding_source=grant, places=5)
    people = [
        # (first, last, email, phone, national id, country, status, source)
        ("Aimée", "D'Souza, Jr.", "aimee@ex.rw", "+250788123456", "=1+2", "RW", "enrolled", joint),
        ("-Zoé", "Line\nBreak", "@zoe@example.org", "", "\tTabbed", "", "applied", None),
        ("\rÉlodie", 'O\'Brien "Quote"', "elodie@example.cd", "", "\nNew", "CD", "offered", grant),
    ]  # fmt: skip
    enrollments = []
    for first, last, email, phone, national_id, country, status, source in people:
        student = StudentFactory(
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            national_id=national_id,
            country=country,
        )
        enrollments.append(
            EnrollmentFactory(student=student, intake=intake, status=status, funding_source=source)
        )
    # 23:30 UTC is already the next day in Kigali (UTC+2): dates are local dates.
    Enrollment.objects.filter(intake=intake).update(
        status_changed_at=datetime.datetime(2026, 11, 19, 23, 30, tzinfo=datetime.UTC),
        created_at=datetime.datetime(2026, 11, 1, 8, 0, tzinfo=datetime.UTC),
    )
    return intake, enrollments


def test_export_is_exact_to_the_byte(client, superuser, tricky_intake):
    intake, (aimee, zoe, elodie) = tricky_intake
    client.force_login(superuser)

    body = _body(client.get(EXPORT_URL, {"intake": intake.pk}))

    common = "Programme Ü,September 2027,2027-09-06"
    expected = (
        "\ufeff"
        + HEADER
        + f"{aimee.pk},Aimée,\"D'Souza, Jr.\",aimee@ex.rw,'+250788123456,'=1+2,RW,"
        f"{common},enrolled,2026-11-20,HEC–Alibaba Joint Scholarship,"
        "HEC (share not given); Alibaba (share not given),2026-11-01\r\n"
        + f"{zoe.pk},'-Zoé,\"Line\nBreak\",'@zoe@example.org,,'\tTabbed,,"
        f"{common},applied,2026-11-20,,,2026-11-01\r\n"
        + f'{elodie.pk},"\'\rÉlodie","O\'Brien ""Quote""",elodie@example.cd,,"\'\nNew",CD,'
        f"{common},offered,2026-11-20,Fellowship grant,ABS 60%; UNCTAD 40%,2026-11-01\r\n"
    )
    assert body.decode("utf-8") == expected


def test_names_survive_a_round_trip_through_the_csv_module(client, superuser, tricky_intake):
    intake, enrollments = tricky_intake
    client.force_login(superuser)

    rows = _rows(_body(client.get(EXPORT_URL, {"intake": intake.pk})))

    assert rows[0][:3] == ["Enrollment ID", "First name", "Last name"]
    read_back = {(row[1], row[2], row[3], row[4], row[5]) for row in rows[1:]}
    recorded = {
        (e.student.first_name, e.student.last_name, e.student.email, e.student.phone,
         e.student.national_id)
        for e in enrollments
    }  # fmt: skip
    assert read_back == recorded


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_every_formula_trigger_is_escaped(trigger):
    assert exports.escape_cell(f"{trigger}cmd|' /C calc'!A0") == f"'{trigger}cmd|' /C calc'!A0"


@pytest.mark.parametrize("value", ["Aimée", "250788", "", "O'Brien", 42, None])
def test_harmless_cells_are_left_alone(value):
    assert exports.escape_cell(value) == value


def test_headers_name_the_scope_and_forbid_caching(client, superuser, september_intake):
    september_intake.program.slug = "international-business"
    september_intake.program.save()
    client.force_login(superuser)

    response = client.get(EXPORT_URL, {"intake": september_intake.pk})

    today = timezone.localdate().isoformat()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="enrollments-international-business-september-2027-{today}.csv"'
    )
    assert response["Cache-Control"] == "no-store"


# --- who may export ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(EXPORT_URL)

    assert response.status_code == HTTPStatus.FOUND
    login = urlparse(resolve_url(settings.LOGIN_URL)).path
    assert urlparse(response.url).path == login
    assert "next=" in response.url
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("role", ["student_user", "viewer"])
def test_signed_in_users_without_the_permission_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(EXPORT_URL)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("role", ["manager", "superuser"])
def test_managers_and_superusers_export(client, request, role, september_intake, fill):
    fill(september_intake, 3)
    client.force_login(request.getfixturevalue(role))

    response = client.get(EXPORT_URL)

    assert response.status_code == HTTPStatus.OK
    assert len(_rows(_body(response))) == 1 + 3


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def two_intakes(joint_scholarship):
    first = IntakeFactory(name="First")
    second = IntakeFactory(name="Second")
    IntakeFundingFactory(intake=first, funding_source=joint_scholarship, places=5)
    EnrollmentFactory(intake=first, status=Status.ENROLLED, funding_source=joint_scholarship)
    EnrollmentFactory(intake=first, status=Status.OFFERED)
    EnrollmentFactory(intake=first, status=Status.APPLIED)
    EnrollmentFactory(intake=second, status=Status.ENROLLED)
    return first, second


def _exported_ids(client, **params) -> set[int]:
    response = client.get(EXPORT_URL, params)
    assert response.status_code == HTTPStatus.OK
    return {int(row[0]) for row in _rows(_body(response))[1:]}


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_filters_choose_the_rows(client, superuser, two_intakes, joint_scholarship):
    first, second = two_intakes
    client.force_login(superuser)
    enrollments = Enrollment.objects.all()

    assert _exported_ids(client) == _ids(enrollments)
    assert _exported_ids(client, intake=first.pk) == _ids(enrollments.filter(intake=first))
    assert _exported_ids(client, program=second.program.pk) == _ids(
        enrollments.filter(intake=second)
    )
    assert _exported_ids(client, intake=first.pk, status=["enrolled", "offered"]) == _ids(
        enrollments.filter(intake=first, status__in=["enrolled", "offered"])
    )
    assert _exported_ids(client, funding_source=joint_scholarship.pk) == _ids(
        enrollments.filter(funding_source=joint_scholarship)
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"intake": "999999"}, "There is no intake with the id given."),
        ({"intake": "abc"}, "There is no intake with the id given."),
        ({"program": "-1"}, "There is no programme with the id given."),
        ({"status": ["enrolled", "accepted"]}, "“accepted” is not a status."),
        ({"funding_source": "x"}, "There is no funding source with the id given."),
    ],
)
def test_bad_filters_get_a_clear_400_and_no_export(client, superuser, params, message):
    client.force_login(superuser)

    response = client.get(EXPORT_URL, params)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not ExportLog.objects.exists()


# --- the log -------------------------------------------------------------------------------


def test_every_export_is_logged_with_who_what_and_how_many(client, manager, two_intakes):
    first, _second = two_intakes
    client.force_login(manager)

    _body(client.get(EXPORT_URL, {"intake": first.pk, "status": ["enrolled", "applied"]}))

    log = ExportLog.objects.get()
    assert log.user == manager
    assert log.username == "manager"
    assert log.kind == ExportLog.Kind.ENROLLMENTS
    assert log.row_count == 2
    assert log.filters == {
        "via": "staff URL",
        "intake": {"id": first.pk, "name": str(first)},
        "status": ["enrolled", "applied"],
    }


def test_an_interrupted_download_reports_the_rows_written_so_far():
    counts = []
    chunks = exports.csv_chunks(["n"], ([i] for i in range(1200)), on_done=counts.append)

    first_chunk = next(chunks)
    chunks.close()  # what the server does when the browser goes away

    assert first_chunk.count(b"\r\n") == 1 + exports.ROWS_PER_CHUNK
    assert counts == [exports.ROWS_PER_CHUNK]


def test_a_download_cut_short_stops_the_query_before_the_count_is_written(
    september_intake, joint_scholarship
):
    """On PostgreSQL the rows come through COPY, which holds the connection until it is
    cancelled: the count, written through that connection, has to wait for it."""
    _bulk_enrollments(september_intake, joint_scholarship, 5000)
    done = []
    rows = exports.enrollment_rows(Enrollment.objects.all())
    chunks = exports.csv_chunks(
        exports.ENROLLMENT_COLUMNS,
        rows,
        on_done=lambda count: done.append((count, Enrollment.objects.count())),
        escaped_text=True,
    )

    first_chunk = next(chunks)
    chunks.close()  # what the server does when the browser goes away

    assert first_chunk.count(b"\r\n") == 1 + exports.ROWS_PER_CHUNK
    assert done == [(exports.ROWS_PER_CHUNK, 5000)]


# --- queries and streaming -----------------------------------------------------------------


def _bulk_enrollments(intake, source, n: int) -> None:
    students = Student.objects.bulk_create(
        Student(first_name="Élise", last_name=f"Nº{i}", email=f"bulk{i}@example.rw", country="RW")
        for i in range(n)
    )
    Enrollment.objects.bulk_create(
        Enrollment(student=s, intake=intake, status=Status.APPLIED, funding_source=source)
        for s in students
    )


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_export_makes_the_same_queries_for_10_and_1000_rows(
    client, superuser, september_intake, joint_scholarship, rows, django_assert_num_queries
):
    _bulk_enrollments(september_intake, joint_scholarship, rows)
    client.force_login(superuser)

    # 1 session, 2 user, 3 filter: the intake, 4 INSERT export log, 5 co-funders of every
    # source, 6 the rows (read in chunks), 7 UPDATE export log row count
    with django_assert_num_queries(7):
        body = _body(client.get(EXPORT_URL, {"intake": september_intake.pk}))

    assert body.count(b"\r\n") == 1 + rows
    assert ExportLog.objects.get().row_count == rows


def test_the_export_streams_in_chunks(client, superuser, september_intake, joint_scholarship):
    _bulk_enrollments(september_intake, joint_scholarship, 1200)
    client.force_login(superuser)

    response = client.get(EXPORT_URL)

    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) == 3  # 500 + 500 + 200 rows
    assert sum(chunk.count(b"\r\n") for chunk in chunks) == 1 + 1200


# --- the admin action ----------------------------------------------------------------------


def _action_choices(response) -> list[str]:
    return [name for name, _label in response.context["action_form"].fields["action"].choices]


def test_the_admin_offers_the_export_only_to_those_who_may_export(
    client, manager, september_intake
):
    EnrollmentFactory(intake=september_intake)
    url = reverse("admin:programs_enrollment_changelist")
    client.force_login(manager)
    assert "export_enrollments_csv" in _action_choices(client.get(url))

    # Every permission of the managers' group except the export.
    not_allowed = UserFactory(username="clerk", is_staff=True)
    not_allowed.user_permissions.set(
        Group.objects.get(name="Programme managers").permissions.exclude(
            codename="export_enrollment"
        )
    )
    client.force_login(not_allowed)
    response = client.get(url)
    assert "export_enrollments_csv" not in _action_choices(response)
    assert "mark_offered" in _action_choices(response)


def test_the_admin_action_exports_the_selection_within_the_filters(client, manager, two_intakes):
    first, second = two_intakes
    in_first = list(first.enrollments.order_by("pk"))
    url = reverse("admin:programs_enrollment_changelist") + f"?intake__id__exact={first.pk}"
    client.force_login(manager)

    response = client.post(
        url,
        {
            "action": "export_enrollments_csv",
            "_selected_action": [e.pk for e in in_first[:2]] + [second.enrollments.get().pk],
        },
    )

    assert response.status_code == HTTPStatus.OK
    # The enrollment of the other intake is outside the list's filter, so it is not exported.
    assert {int(row[0]) for row in _rows(_body(response))[1:]} == {e.pk for e in in_first[:2]}
    assert f"-{first.program.slug}-first-selected-" in response["Content-Disposition"]
    log = ExportLog.objects.get()
    assert log.filters == {"via": "admin action", "intake": str(first.pk), "selected": 3}
    assert log.row_count == 2


def test_the_admin_action_exports_everything_matching_with_select_across(
    client, superuser, two_intakes
):
    first, _second = two_intakes
    client.force_login(superuser)

    response = client.post(
        reverse("admin:programs_enrollment_changelist") + "?status__exact=enrolled",
        {
            "action": "export_enrollments_csv",
            "select_across": "1",
            "_selected_action": [first.enrollments.first().pk],
        },
    )

    exported = {int(row[0]) for row in _rows(_body(response))[1:]}
    assert exported == _ids(Enrollment.objects.filter(status=Status.ENROLLED))
    assert ExportLog.objects.get().filters["selected"] == "all matching the filters"


# --- the log in the admin ------------------------------------------------------------------


def test_superusers_read_the_export_log_and_nobody_changes_it(client, superuser, manager):
    log = ExportLog.objects.create(
        user=manager, username="manager", filters={"via": "staff URL"}, row_count=22
    )
    client.force_login(superuser)

    changelist = client.get(reverse("admin:programs_exportlog_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    assert "manager" in changelist.content.decode()
    assert client.get(reverse("admin:programs_exportlog_change", args=[log.pk])).status_code == (
        HTTPStatus.OK
    )
    assert client.get(reverse("admin:programs_exportlog_add")).status_code == HTTPStatus.FORBIDDEN
    response = client.post(
        reverse("admin:programs_exportlog_delete", args=[log.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = client.post(
        reverse("admin:programs_exportlog_change", args=[log.pk]), {"row_count": 0}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    log.refresh_from_db()
    assert log.row_count == 22


def test_managers_do_not_see_the_export_log(client, manager):
    client.force_login(manager)

    assert client.get(reverse("admin:programs_exportlog_changelist")).status_code == (
        HTTPStatus.FORBIDDEN
    )
    assert "Export logs" not in client.get(reverse("admin:index")).content.decode()


def test_funder_share_amounts_are_decimal_in_the_co_funder_text(db):
    source = FundingSourceFactory()
    FundingShareFactory(
        funding_source=source, partner=PartnerFactory(short_name="A"), share_percent=Decimal("33.5")
    )
    FundingShareFactory(
        funding_source=source, partner=PartnerFactory(short_name="B"), share_percent=Decimal("66.5")
    )

    assert exports.co_funders_by_source()[source.pk] == "A 33.5%; B 66.5%"


# --- the fast paths write what the plain ones would ----------------------------------------
# The export reads every column as text (through COPY on PostgreSQL: text_rows), converts dates
# a day at a time (local_dates) and writes most rows by joining cells (write_text_rows). These
# tests hold it to the plain way: model instances, a full time zone conversion per datetime,
# the csv module, escape_cell on each cell.

AWKWARD = [
    "Aimée", "D'Souza, Jr.", 'O\'Brien "Quote"', "Line\nBreak", "\rÉlodie", "=1+2", "+250788",
    "-Zoé", "@zoe", "\tTabbed", "", "a,b", "x\r\ny", "'quoted", "Nǐ hǎo", "Ngũgĩ",
    "back\\slash\\N", "\\N", "bell\x07\x08\x0b\x0c",
]  # fmt: skip


def _plain_export() -> bytes:
    tz = timezone.get_current_timezone()
    co_funders = exports.co_funders_by_source()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(exports.ENROLLMENT_COLUMNS)
    enrollments = Enrollment.objects.select_related(
        "student", "intake__program", "funding_source"
    ).order_by(*exports.EXPORT_ORDERING)
    for e in enrollments:
        student, source = e.student, e.funding_source
        cells = [
            e.pk, student.first_name, student.last_name, student.email, student.phone,
            student.national_id, student.country.code or "", e.intake.program.name,
            e.intake.name, e.intake.start_date.isoformat(), e.status,
            e.status_changed_at.astimezone(tz).date().isoformat(),
            source.name if source else "", co_funders.get(e.funding_source_id, ""),
            e.created_at.astimezone(tz).date().isoformat(),
        ]  # fmt: skip
        writer.writerow([exports.escape_cell(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8")


def _instants_around_local_midnights(tz, days: list[datetime.date]) -> list[datetime.datetime]:
    """For each day, its local midnight in UTC, a microsecond before and a microsecond after."""
    instants = []
    for day in days:
        midnight = datetime.datetime.combine(day, datetime.time(), tz).astimezone(datetime.UTC)
        for shift in (-1, 0, 1):
            instants.append(midnight + datetime.timedelta(microseconds=shift))
    return instants


@pytest.mark.parametrize("zone", ["Africa/Kigali", "Europe/Paris", "America/St_Johns"])
def test_the_export_writes_what_the_plain_way_writes(client, superuser, zone):
    """Awkward names, quoting, formula escaping, and dates at local midnight, on days when
    clocks change too (Paris and St John's: 2026-03-08, 03-29, 10-25, 11-01)."""
    rng = random.Random(zone)
    tz = zoneinfo.ZoneInfo(zone)
    days = [
        datetime.date(2026, 3, 8), datetime.date(2026, 3, 29), datetime.date(2026, 10, 25),
        datetime.date(2026, 11, 1), datetime.date(2026, 11, 20), datetime.date(2019, 1, 1),
    ]  # fmt: skip
    instants = _instants_around_local_midnights(tz, days)
    grant = FundingSourceFactory(name="Grant, phase 2")
    FundingShareFactory(funding_source=grant, partner=PartnerFactory(short_name="=HYPER"))
    FundingShareFactory(
        funding_source=grant, partner=PartnerFactory(short_name="UNCTAD"), share_percent=40
    )
    sources = [None, grant, FundingSourceFactory(name="-Self")]
    intakes = [
        IntakeFactory(program=ProgramFactory(name=name), name=rng.choice(AWKWARD) + " 2027")
        for name in ("Programme Ü", "+Trade", "Data, for trade")
    ]
    for n in range(40):
        student = StudentFactory(
            first_name=rng.choice(AWKWARD),
            last_name=rng.choice(AWKWARD),
            email=f"{rng.choice(['', '=', '-', '@'])}s{n}@example.rw",
            phone=rng.choice(["", "+250788123456"]),
            national_id=rng.choice(AWKWARD),
            country=rng.choice(["", "RW", "CD"]),
        )
        enrollment = EnrollmentFactory(
            student=student,
            intake=rng.choice(intakes),
            status=rng.choice(Status.values),
            funding_source=rng.choice(sources),
        )
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status_changed_at=instants[n % len(instants)],
            created_at=rng.choice(instants)
            + datetime.timedelta(days=rng.choice([0, 0, -400, 3000])),
        )
    client.force_login(superuser)

    with timezone.override(tz):
        body = _body(client.get(EXPORT_URL))
        expected = _plain_export()

    assert body.count(b"\r\n") > 40
    assert body == expected


@pytest.mark.parametrize(
    "zone",
    ["Africa/Kigali", "UTC", "Europe/Paris", "America/St_Johns", "Asia/Kathmandu",
     "Australia/Lord_Howe", "Pacific/Apia"],
)  # fmt: skip
def test_local_dates_agree_with_a_full_conversion(zone):
    """Every quarter hour of 2011, and the second before each: offsets of 5:45, half-hour
    daylight saving (Lord Howe), and the day Samoa skipped (2011-12-30, Pacific/Apia)."""
    tz = zoneinfo.ZoneInfo(zone)
    local_date = exports.local_dates(tz)
    start = int(datetime.datetime(2011, 1, 1, tzinfo=datetime.UTC).timestamp())
    for quarter in range(start, start + 366 * exports.SECONDS_A_DAY, 900):
        for seconds in (quarter - 1, quarter):
            expected = datetime.datetime.fromtimestamp(seconds, datetime.UTC).astimezone(tz)
            assert local_date(seconds) == expected.date().isoformat(), seconds


text_cells = st.text(alphabet=st.sampled_from(list("ab ,\"'\r\n=+-@\t\x00é€;")), max_size=6)


@given(rows=st.lists(st.lists(text_cells, max_size=4), max_size=6))
def test_text_rows_are_written_as_the_csv_module_writes_them(rows):
    fast, plain = io.StringIO(), io.StringIO()

    exports.write_text_rows(fast, csv.writer(fast), rows)
    csv.writer(plain).writerows(rows)

    assert fast.getvalue() == plain.getvalue()
