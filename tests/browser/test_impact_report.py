"""The staff impact report in Chromium, on the demo data: a viewer opens it from the staff home,
chooses eFounders Fellowship and Netpreneur and "Startup", presses "Show", reads the exact
counts, presses "Download as CSV" and reads the file; a bad address reads a clear message."""

import csv
import io
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from programs.models import ExportLog

from ..factories import UserFactory
from .conftest import DESKTOP, PHONE
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# DOCS_SCREENSHOTS=1 refreshes docs/screenshots/impact-report-*.png; otherwise they go to tmp_path
# (an ordinary run leaves the working tree as it was).
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def viewer_on_demo(staff_roles):
    """The demo data, and a member of "Viewers" (the least a person needs to read the report)."""
    call_command("seed_demo", "--no-staff", stdout=io.StringIO())
    user = UserFactory(username="impact-viewer", is_staff=True)
    user.groups.add(Group.objects.get(name="Viewers"))
    return user


def table(page, caption: str):
    return page.get_by_role("table", name=caption)


def figure(page, caption: str, header: str, year: str | None = None) -> str:
    """The People cell of the row headed `header` in the table captioned `caption`."""
    rows = table(page, caption).locator("tbody tr", has=page.locator("th", has_text=header))
    if year is not None:
        rows = rows.filter(has=page.get_by_role("cell", name=year, exact=True))
    expect(rows).to_have_count(1)
    return rows.locator("td.num").last.inner_text()


def test_a_viewer_filters_two_programmes_to_startups_and_downloads_the_csv(
    new_page, viewer_on_demo
):
    page = new_page(user=viewer_on_demo)
    page.goto("/admin/")
    page.get_by_role("link", name="Impact report (people trained, outcomes)").click()
    page.get_by_role("heading", name="Impact report").wait_for()
    # Unfiltered: the demo's 93 people, 40 of them entrepreneurs.
    expect(page.locator(".facts .figure")).to_have_text("93")
    assert figure(page, "By what participants are called", "entrepreneurs") == "40"
    assert figure(page, "By kind of organisation", "Company") == "20"

    page.get_by_label("Programmes").select_option(
        label=["eFounders Fellowship", "Netpreneur Program"]
    )
    page.get_by_label("Organisation kind").select_option(label="Startup")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**organisation_kind=startup**")

    # The startups' people in the two programmes: 10 of eFounders' 18, 10 of Netpreneur's 22.
    expect(page.locator(".facts .figure")).to_have_text("20")
    assert figure(page, "By what participants are called", "entrepreneurs") == "20"
    assert figure(page, "By programme and year", "eFounders Fellowship", "2025") == "10"
    assert figure(page, "By programme and year", "Netpreneur Program", "all years") == "10"
    assert figure(page, "By kind of organisation", "Startup") == "20"
    expect(table(page, "By kind of organisation").locator("tbody tr")).to_have_count(1)
    expect(table(page, "By programme and year")).not_to_contain_text("New Economy Workshop")
    outcomes = table(page, "Outcomes of the people counted")
    expect(outcomes.locator("tbody tr")).to_have_count(1)
    expect(outcomes.locator("tbody tr")).to_contain_text("40,000.00 USD")
    # The form shows what was chosen, so the next press keeps it.
    expect(page.get_by_label("Organisation kind")).to_have_value("startup")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    assert "efounders-fellowship" in download.suggested_filename
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "Breakdown",
        "Group",
        "Year",
        "People",
        "Ventures founded",
        "Jobs created",
        "Funding raised",
    ]
    assert ["Total", "All programmes", "", "20", "", "", ""] in rows
    assert ["Programme and year", "eFounders Fellowship", "2025", "10", "", "", ""] in rows
    assert ["Organisation kind", "Startup", "", "20", "", "", ""] in rows
    assert ["Outcomes", "eFounders Fellowship", "", "", "1", "8", "40,000.00 USD"] in rows
    assert not any(row[1] == "New Economy Workshop" for row in rows)
    # Attributable to whoever pressed it, with what was chosen.
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.row_count) == (viewer_on_demo, "funder_report", len(rows) - 1)
    assert sorted(p["name"] for p in log.filters["program"]) == [
        "Netpreneur Program",
        "eFounders Fellowship",
    ]
    assert log.filters["organisation_kind"] == "startup"
    assert page.problems == []


def test_a_bad_address_says_what_is_wrong(new_page, viewer_on_demo):
    page = new_page(user=viewer_on_demo)
    response = page.goto("/staff/impact/?program=abc&year=99999999999")
    assert response is not None and response.status == 400
    expect(page.get_by_text("“abc” is not a programme's id.")).to_be_visible()
    expect(page.get_by_text("less than or equal to 2200")).to_be_visible()
    assert serious_violations(page) == []
    # The browser reports the 400 itself; nothing else (no script error, no missing asset).
    assert [p for p in page.problems if "status of 400" not in p] == []
    page.get_by_role("link", name="impact report").click()
    expect(page.locator(".facts .figure")).to_have_text("93")
    assert "program=" not in page.url
    # The CSV's address with the same mistakes: the same page, no file, nothing logged.
    response = page.goto("/staff/impact.csv?program=abc&year=99999999999")
    assert response is not None and response.status == 400
    expect(page.get_by_text("“abc” is not a programme's id.")).to_be_visible()
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_the_report_fits_the_screen_and_passes_axe(new_page, viewer_on_demo, viewport, tmp_path):
    page = new_page(viewport=viewport, user=viewer_on_demo)
    page.goto("/staff/impact/")
    page.get_by_role("button", name="Show").wait_for()
    folder = DOCS if os.environ.get("DOCS_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=folder / f"impact-report-{viewport['width']}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # A table wider than the screen scrolls inside its own box, which a keyboard can reach.
    outcomes = page.get_by_role("region", name="Outcomes of the people counted, by programme")
    outcomes.evaluate("box => { box.scrollLeft = 80; }")
    scrolled = outcomes.evaluate("box => box.scrollLeft")
    assert scrolled == (80 if viewport == PHONE else 0)
    assert serious_violations(page) == []
    assert page.problems == []
