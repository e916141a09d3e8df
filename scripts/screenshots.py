"""Screenshots for docs/public.md: the staff home and the French programme page, in headless
Debian chromium at 1280 and 360 px, taken from a running server with the demo data.

    make run   # or: manage.py migrate && manage.py seed_demo && manage.py runserver
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000

Signs in as the demo staff account (DEMO_STAFF_PASSWORD or seed_demo's default). Writes
docs/screenshots/*.png (the page's top, one screen high, to keep the files small).
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SIZES: dict[str, ViewportSize] = {
    "1280": {"width": 1280, "height": 900},
    "360": {"width": 360, "height": 780},
}
DEGREE = "/programmes/international-business-cross-border-ecommerce/"
PASSWORD = os.environ.get("DEMO_STAFF_PASSWORD", "cohort-demo-2027")


def main(base: str) -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for size, viewport in SIZES.items():
            context = browser.new_context(base_url=base, viewport=viewport, locale="fr-FR")
            page = context.new_page()
            page.goto(DEGREE)
            page.wait_for_load_state("networkidle")
            assert page.locator("html").get_attribute("lang") == "fr", "not shown in French"
            page.screenshot(path=OUT / f"programme-fr-{size}.png")
            # The admin's own words are English (docs/public.md): sign in with an English browser.
            context.close()
            context = browser.new_context(base_url=base, viewport=viewport, locale="en-GB")
            page = context.new_page()
            page.goto("/admin/login/?next=/admin/")
            page.locator("#id_username").fill("staff")
            page.locator("#id_password").fill(PASSWORD)
            page.locator("input[type=submit], button[type=submit]").first.click()
            page.wait_for_url(f"{base}/admin/")
            page.screenshot(path=OUT / f"staff-home-{size}.png", full_page=size == "1280")
            width = page.evaluate("document.documentElement.scrollWidth")
            print(f"{size} px: staff home {width} px wide")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
