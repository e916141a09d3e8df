"""Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Playwright cannot download its own browser here, so scripts/ensure-chromium.sh finds (or, as
root, installs) /usr/bin/chromium. Without one the browser tests are skipped, except on CI
(CI=true), where a missing browser is a failure: CI must never pass by skipping them.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; the ORM calls that tests make
# between browser steps are still synchronous and safe, so tell Django not to refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ENSURE_CHROMIUM = Path(__file__).resolve().parents[2] / "scripts" / "ensure-chromium.sh"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def open_phone_menu(page) -> None:
    """Tap the menu button and wait until the menu has finished opening: a press during the
    collapse animation can miss what it aims at. The page's script must have run first."""
    page.wait_for_load_state()
    page.get_by_role("button", name="Show or hide the menu").click()
    expect(page.locator("#site-menu")).to_have_class(re.compile(r"\bshow\b"))


def press_language(page, button, *, phone: bool) -> None:
    """Choose a language from the site menu and wait for the page to come back in it."""
    if phone:
        open_phone_menu(page)
    with page.expect_navigation():  # the language form posts, then returns to the page
        button.click()


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: the browser tests may not be skipped)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    try:
        result = subprocess.run(
            [str(ENSURE_CHROMIUM)], capture_output=True, text=True, timeout=900, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _unavailable(f"scripts/ensure-chromium.sh could not run: {error}")
    path = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if result.returncode != 0 or not path:
        _unavailable(f"Chromium is not available: {result.stderr.strip() or 'no path printed'}")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        except Error as error:
            _unavailable(f"Chromium at {chromium_path} did not start: {error}")
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, fresh_cache, fast_password_hashing):
    """new_page(viewport=..., user=...) opens a page on the live server, signed in if asked."""
    contexts = []

    def _new_page(viewport=DESKTOP, user=None):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-GB")
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        # Actions and expectations wait as long: on a loaded 2-core CI machine a language switch
        # (a POST, a redirect, a page) once took longer than expect()'s default 5 s.
        page.set_default_timeout(10_000)
        expect.set_options(timeout=10_000)
        # Anything the browser complains about (a CSP refusal, a script error, a 404 asset).
        page.problems = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.problems.append(message.text),
        )
        page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
        return page

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def catalogue(transactional_db):
    """A degree with an open intake of 22 seats, 20 jointly funded, and a closed fellowship."""
    import datetime

    from django.utils import timezone

    from ..factories import (
        FundingShareFactory,
        FundingSourceFactory,
        IntakeFactory,
        IntakeFundingFactory,
        PartnerFactory,
        ProgramFactory,
    )

    today = timezone.localdate()
    school = PartnerFactory(name="Alibaba Business School", short_name="ABS", kind="school")
    degree = ProgramFactory(
        name="Cross-Border E-commerce Degree",
        slug="cross-border-ecommerce",
        summary="A four-year degree in international business and cross-border e-commerce.",
        description="Taught in Kigali.",
        delivered_by=school,
    )
    degree.partners.add(PartnerFactory(name="Rwanda Development Board", short_name="RDB"))
    scholarship = FundingSourceFactory(name="HEC–Alibaba Joint Scholarship")
    FundingShareFactory(funding_source=scholarship, partner=PartnerFactory(name="HEC"))
    FundingShareFactory(funding_source=scholarship, partner=PartnerFactory(name="Alibaba"))
    september = IntakeFactory(program=degree, name="September 2027", capacity=22)
    IntakeFundingFactory(intake=september, funding_source=scholarship, places=20)
    fellowship = ProgramFactory(
        name="eFounders Fellowship", slug="efounders", kind="fellowship", delivered_by=school
    )
    closed = IntakeFactory(
        program=fellowship,
        name="2027 cohort",
        applications_open_on=today - datetime.timedelta(days=60),
        applications_close_on=today - datetime.timedelta(days=1),
    )
    return {"degree": degree, "september": september, "closed": closed}


@pytest.fixture
def staff_roles(transactional_db):
    """The staff groups the migrations create, made again: a transactional test empties every
    table, the groups' rows with them. Runs the migrations' own functions (no second copy)."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(connection).project_state()
    for name, function in [
        ("0003_staff_groups", "create_groups"),
        ("0007_managers_see_and_requeue_emails", "grant"),
        ("0012_money_disbursements", "grant"),
        ("0014_partner_contacts_statement_deliveries", "grant"),
        ("0015_impact_organisations_outcomes_certificates", "grant"),
    ]:
        module = importlib.import_module(f"programs.migrations.{name}")
        getattr(module, function)(state.apps, None)
