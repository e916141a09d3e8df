"""A programme manager imports a follow-up survey of outcomes from the outcomes' list: the
"Import a survey" link, the dry run, the confirmation (issue 18)."""

import pytest
from django.contrib.auth.models import Group

from programs import services
from programs.models import Enrollment, Outcome

from ..factories import EnrollmentFactory, UserFactory
from .test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_imports_a_survey_and_the_outcomes_are_recorded(new_page, staff_roles, tmp_path):
    manager = UserFactory(username="manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Programme managers"))
    enrollment = EnrollmentFactory(
        status=Enrollment.Status.COMPLETED,
        student__first_name="Aline",
        student__last_name="Uwase",
        student__email="aline@example.rw",
    )
    certificate = services.certificate_issue(enrollment=enrollment)
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "email,certificate_code,kind,organisation,jobs_created,funding_raised,currency\n"
        f",{certificate.code},venture_founded,Kasuku Software,6,15000000,RWF\n"
        "aline@example.rw,,further_study,,,,\n",
        encoding="utf-8",
    )
    page = new_page(user=manager)
    page.goto("/admin/programs/outcome/")
    page.get_by_role("link", name="Import a survey").click()

    page.get_by_label("Survey file").set_input_files(str(survey))
    page.get_by_role("button", name="Check the file (dry run)").click()

    page.get_by_text("Dry run of survey.csv: 2 outcomes, 0 rows refused").wait_for()
    assert "6 jobs, 15,000,000.00 RWF" in page.locator(".import-report table").inner_text()
    assert serious_violations(page) == []
    assert not Outcome.objects.exists()

    page.get_by_role("button", name="Record 2 outcomes").click()

    page.get_by_text("Recorded 2 outcomes from survey.csv.").wait_for()
    assert sorted(Outcome.objects.values_list("kind", flat=True)) == [
        "further_study",
        "venture_founded",
    ]
    assert page.problems == []
