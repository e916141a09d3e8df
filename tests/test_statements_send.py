"""manage.py send_statements: one email per co-funder with contacts, the month's CSV attached
and the totals in words; once per month; a bad --month is refused and sends nothing."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from post_office.models import Email

from programs import outbox, services
from programs.exports.statement import statement_csv_bytes
from programs.models import Partner, PartnerContact, StatementDelivery
from programs.selectors.statement import funder_statement

from .factories import FundingShareFactory, FundingSourceFactory, PartnerFactory
from .outbox import deliver
from .statements_support import OCTOBER, paid_hec

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _attachments_in_tmp_and_today_in_2028(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(
        "programs.management.commands.send_statements.timezone.localdate",
        lambda: datetime.date(2028, 1, 15),
    )


@pytest.fixture
def contacts(september_intake, joint_scholarship):
    hec = paid_hec(september_intake, joint_scholarship)
    alibaba = Partner.objects.get(name="Alibaba")
    hec.name, hec.short_name = "Higher Education Council of Rwanda", "HEC"
    hec.save()
    PartnerContact.objects.create(partner=hec, name="Claudine M", email="finance@hec.example.org")
    PartnerContact.objects.create(partner=hec, name="Eric H", email="eric@hec.example.org")
    PartnerContact.objects.create(
        partner=hec, name="Old Desk", email="old@hec.example.org", receives_statements=False
    )
    PartnerContact.objects.create(partner=alibaba, name="Grace U", email="grace@example.org")
    # a partner with a contact but no share of any funding source gets no statement
    PartnerContact.objects.create(partner=PartnerFactory(), name="X", email="x@example.org")
    # a co-funder with no contact who receives statements gets none either
    FundingShareFactory(
        funding_source=FundingSourceFactory(), partner=PartnerFactory(), share_percent=100
    )
    return hec, alibaba


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_statements", *args, stdout=out)
    return out.getvalue()


def test_each_co_funder_with_contacts_gets_one_email_with_its_months_statement(contacts):
    hec, alibaba = contacts
    output = run("--month", "2027-10")
    assert output.strip() == "Statements for 2027-10: 2 sent (to 3 contacts), 0 already sent."
    assert "@" not in output  # counts only, never an address
    sent = {message.to[0]: message for message in deliver()}
    assert sorted(sent) == ["eric@hec.example.org", "grace@example.org"]
    to_hec = sent["eric@hec.example.org"]
    assert to_hec.to == ["eric@hec.example.org", "finance@hec.example.org"]
    assert to_hec.subject == "HEC: your statement for October 2027"
    (name, content, mimetype) = to_hec.attachments[0]
    assert (name, mimetype) == (
        "statement-p-2027-10.csv".replace("p", hec.display_name.lower()),
        "text/csv",
    )
    expected = statement_csv_bytes(funder_statement(partner=hec, month=OCTOBER), month=OCTOBER)
    assert (content.encode() if isinstance(content, str) else content) == expected
    body = to_hec.body
    print(f"\n--- The email, as HEC's contacts read it ---\n{to_hec.subject}\n\n{body}")
    assert "as at 31 October 2027" in body
    assert "- Committed: 1,200,000.00 RWF" in body
    assert (
        "- Scheduled: 900,000.00 RWF of payments due by 31 October 2027 or paid early (0.00 RWF"
        in body
    )
    assert "- Paid: 900,000.00 RWF (900,000.00 RWF of it paid in October 2027)" in body
    assert "- Outstanding: 0.00 RWF" in body
    assert "written in English" in body
    rows = StatementDelivery.objects.order_by("partner__name")
    assert [(r.partner, r.month, r.recipients) for r in rows] == [
        (alibaba, OCTOBER, 1),
        (hec, OCTOBER, 2),
    ]


def test_running_it_again_for_the_same_month_sends_nothing_more(contacts):
    run("--month", "2027-10")
    assert run("--month", "2027-10").strip() == (
        "Statements for 2027-10: 0 sent (to 0 contacts), 2 already sent."
    )
    assert Email.objects.count() == 2 and StatementDelivery.objects.count() == 2
    run("--month", "2027-09")  # another month is another statement
    assert Email.objects.count() == 4


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2027-13", "is a month written YYYY-MM"),
        ("2027-9", "is a month written YYYY-MM"),
        ("27-09", "is a month written YYYY-MM"),
        ("2027-10-01", "is a month written YYYY-MM"),
        ("octobre", "is a month written YYYY-MM"),
        ("0000-01", "is a month written YYYY-MM"),
        ("", "is a month written YYYY-MM"),
        ("9999-12", "December 9999 is not over yet"),
    ],
)
def test_a_bad_month_is_refused_with_a_message_and_nothing_is_sent(contacts, value, says):
    with pytest.raises(CommandError, match=says) as refused:
        run("--month", value)
    assert "Nothing was sent" in str(refused.value) or "such as 2027-09" in str(refused.value)
    assert not Email.objects.exists() and not StatementDelivery.objects.exists()


def test_this_month_is_not_over_and_says_when_it_can_be_sent(contacts, monkeypatch):
    monkeypatch.setattr(
        "programs.management.commands.send_statements.timezone.localdate",
        lambda: datetime.date(2027, 10, 31),
    )
    with pytest.raises(
        CommandError,
        match=re.escape(
            "October 2027 is not over yet: its statement can be sent from 1 November 2027. "
            "Nothing was sent."
        ),
    ):
        run("--month", "2027-10")
    assert "Statements for 2027-09:" in run()  # the default: the previous calendar month


@pytest.mark.parametrize(
    ("today", "previous"),
    [
        (datetime.date(2027, 1, 1), datetime.date(2026, 12, 1)),
        (datetime.date(2027, 1, 31), datetime.date(2026, 12, 1)),
        (datetime.date(2027, 3, 1), datetime.date(2027, 2, 1)),
        (datetime.date(2028, 2, 29), datetime.date(2028, 1, 1)),
    ],
)
def test_the_previous_calendar_month(today, previous):
    assert services.previous_month(today) == previous


def test_an_email_that_cannot_be_queued_leaves_no_delivery_behind(contacts, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the queue is down")

    monkeypatch.setattr(outbox, "queue", broken)
    with pytest.raises(RuntimeError):
        run("--month", "2027-10")
    assert not StatementDelivery.objects.exists() and not Email.objects.exists()


def test_the_queries_per_co_funder_do_not_grow_with_its_students(contacts, fill):
    hec, _ = contacts
    with CaptureQueriesContext(connection) as before:
        services.statements_send(month=OCTOBER)
    intake = hec.funding_shares.get().funding_source.intake_fundings.get().intake
    fill(intake, 6, funding_source=hec.funding_shares.get().funding_source)
    with CaptureQueriesContext(connection) as after:
        services.statements_send(month=datetime.date(2027, 9, 1))
    assert len(before) == len(after)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("day", "sent"), [(datetime.date(2027, 11, 1), 2), (datetime.date(2027, 11, 2), 0)]
)
def test_the_mail_worker_sends_last_months_statements_on_the_first_only(
    contacts, monkeypatch, day, sent
):
    for module in ("mail_worker", "send_statements"):
        monkeypatch.setattr(
            f"programs.management.commands.{module}.timezone.localdate", lambda: day
        )
    call_command("mail_worker", runs=2, interval=0)
    assert StatementDelivery.objects.filter(month=OCTOBER).count() == sent
    # twice round the loop, sent once, and delivered with the CSV by the worker itself
    assert len(mail.outbox) == sent
    assert all(m.attachments[0][0].endswith("-2027-10.csv") for m in mail.outbox)


@pytest.mark.parametrize(
    ("language", "says"),
    [("fr", "est un mois écrit AAAA-MM"), ("rw", "ni ukwezi kwanditse YYYY-MM")],
)
def test_the_refusal_is_in_the_staff_members_language(language, says):
    from django.utils import translation

    from programs.management.commands.send_statements import parse_month

    with translation.override(language), pytest.raises(CommandError, match=says):
        parse_month("2027-13", datetime.date(2028, 1, 15))
