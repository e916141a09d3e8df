"""The enrollment CSV export's file: exact bytes, formula escaping, and the fast paths
writing what the plain ones would."""

import csv
import datetime
import io
import random
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from programs import exports
from programs.models import Enrollment
from programs.phones import parse_phone, phone_for_csv

from .exports_support import EXPORT_URL, csv_rows, streamed_body
from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
    ProgramFactory,
    StudentFactory,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db
HEADER = (
    "Enrollment ID,First name,Last name,Email,Phone,National ID,Country,Programme,Intake,"
    "Intake start date,Status,Status changed on,Funding source,Co-funders,Applied on\r\n"
)


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
        ("\rÉlodie", 'O\'Brien "Quote"', "elodie@example.cd", "+33612345678", "\nNew", "CD",
         "offered", grant),
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

    body = streamed_body(client.get(EXPORT_URL, {"intake": intake.pk}))

    common = "Programme Ü,September 2027,2027-09-06"
    expected = (
        "\ufeff" + HEADER + f"{aimee.pk},Aimée,\"D'Souza, Jr.\",aimee@ex.rw,0788-123-456,'=1+2,RW,"
        f"{common},enrolled,2026-11-20,HEC–Alibaba Joint Scholarship,"
        "HEC (share not given); Alibaba (share not given),2026-11-01\r\n"
        + f"{zoe.pk},'-Zoé,\"Line\nBreak\",'@zoe@example.org,,'\tTabbed,,"
        f"{common},applied,2026-11-20,,,2026-11-01\r\n"
        + f'{elodie.pk},"\'\rÉlodie","O\'Brien ""Quote""",elodie@example.cd,'
        '00-33-6-12-34-56-78,"\'\nNew",CD,'
        f"{common},offered,2026-11-20,Fellowship grant,ABS 60%; UNCTAD 40%,2026-11-01\r\n"
    )
    assert body.decode("utf-8") == expected


def test_names_survive_a_round_trip_through_the_csv_module(client, superuser, tricky_intake):
    intake, enrollments = tricky_intake
    client.force_login(superuser)

    rows = csv_rows(streamed_body(client.get(EXPORT_URL, {"intake": intake.pk})))

    assert rows[0][:3] == ["Enrollment ID", "First name", "Last name"]
    # Phones come back as the import reads them: the same number, in the row's country.
    read_back = {(row[1], row[2], row[3], parse_phone(row[4], row[6]), row[5]) for row in rows[1:]}
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
            e.pk, student.first_name, student.last_name, student.email,
            phone_for_csv(student.phone, student.country.code or ""),
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
            phone=rng.choice(["", "+250788123456", "+33612345678", "+250252123456"]),
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
        body = streamed_body(client.get(EXPORT_URL))
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
