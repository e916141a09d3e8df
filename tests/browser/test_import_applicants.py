"""A programme manager imports a file of applicants into an intake: the intake's "Import
applicants", the dry run's table with a refused row, then a fixed file and its confirmation."""

import pytest
from django.contrib.auth.models import Group

from ..factories import IntakeFactory, UserFactory
from .conftest import PHONE
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "first_name,last_name,email\n"
GOOD = "Aimée,Mukamana,aimee@example.rw\nEric,Manzi,eric@example.rw\n"


def test_a_manager_checks_a_file_of_applicants_fixes_it_and_imports_it(
    new_page, staff_roles, tmp_path
):
    manager = UserFactory(username="manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Programme managers"))
    intake = IntakeFactory(name="September 2027", capacity=22)
    bad, fixed = tmp_path / "bad.csv", tmp_path / "applicants.csv"
    bad.write_text(HEADER + GOOD + "Jean,Habimana,not-an-email\n", encoding="utf-8")
    fixed.write_text(HEADER + GOOD, encoding="utf-8")
    page = new_page(user=manager)
    page.goto(f"/admin/programs/intake/{intake.pk}/change/")
    page.get_by_role("link", name="Import applicants").click()

    page.get_by_label("Applicant file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file (dry run)").click()

    page.get_by_text(
        "Dry run of bad.csv: 2 new students, 0 existing students, 1 row refused"
    ).wait_for()
    assert "Row 4 (not-an-email)" in page.locator(".refused-summary").inner_text()
    assert page.locator("input[name=confirm]").count() == 0  # nothing to confirm
    assert serious_violations(page) == []

    page.get_by_label("Applicant file").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file (dry run)").click()
    page.get_by_text("Dry run of applicants.csv: 2 new students").wait_for()
    assert page.locator(".import-report table tbody tr").count() == 2
    assert not intake.enrollments.exists()

    page.get_by_role("button", name=f"Import 2 applicants into {intake}").click()

    page.get_by_text(f"Imported 2 applicants into {intake} from applicants.csv").wait_for()
    assert sorted(intake.enrollments.values_list("student__email", flat=True)) == [
        "aimee@example.rw",
        "eric@example.rw",
    ]
    assert page.problems == []


def test_the_dry_run_fits_a_phone(new_page, staff_roles, tmp_path):
    """The table of a file with long addresses scrolls in its own box; the page does not."""
    manager = UserFactory(username="manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Programme managers"))
    intake = IntakeFactory(name="September 2027", capacity=22)
    upload = tmp_path / "applicants.csv"
    upload.write_text(
        HEADER + "Marie-Claire,Nshimiyimana-Mukamana,"
        "marie-claire.nshimiyimana-mukamana@university.example.rw\n",
        encoding="utf-8",
    )
    page = new_page(viewport=PHONE, user=manager)
    page.goto(f"/admin/programs/intake/{intake.pk}/import-applicants/")
    page.get_by_label("Applicant file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file (dry run)").click()

    page.get_by_text("Dry run of applicants.csv: 1 new student").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    region = page.get_by_role("region", name="The rows of the file")
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # it scrolls, on its own
    assert serious_violations(page) == []
