"""Content in every language: staff type it per language, visitors and emails read their own,
English stands in for a blank translation (programs/translation.py, docs/languages.md)."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from programs import services
from programs.models import Enrollment, Intake, Program

from .accounts_support import MY_APPLICATIONS, signed_in
from .apply_support import application, apply_url
from .factories import EnrollmentFactory, StudentFactory
from .outbox import deliver

pytestmark = pytest.mark.django_db


def in_language(code: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


@pytest.fixture
def french(september_intake, joint_scholarship):
    """The September intake's programme, intake and scholarship with their French names."""
    program = september_intake.program
    program.name_fr = "Commerce international et e-commerce transfrontalier"
    program.summary_fr = "Une licence de quatre ans."
    program.save()
    september_intake.name_fr = "Septembre 2027"
    september_intake.save()
    joint_scholarship.name_fr = "Bourse conjointe HEC–Alibaba"
    joint_scholarship.save()
    return september_intake


def test_a_blank_translation_reads_as_english(september_intake):
    program = september_intake.program
    program.summary_fr = ""
    program.save()
    with translation.override("fr"):
        assert Program.objects.get(pk=program.pk).summary == "A programme."
        assert Intake.objects.get(pk=september_intake.pk).name == "September 2027"


def test_each_language_reads_its_own_text(french):
    with translation.override("fr"):
        assert Intake.objects.get(pk=french.pk).name == "Septembre 2027"
    with translation.override("rw"):  # no Kinyarwanda typed: English
        assert Intake.objects.get(pk=french.pk).name == "September 2027"


def test_saving_in_french_keeps_the_english_text_in_the_original_column_and_history(french):
    with translation.override("fr"):
        intake = Intake.objects.get(pk=french.pk)
        intake.capacity = 23
        intake.save()
    assert Intake.objects.rewrite(False).values_list("name", flat=True).get(pk=french.pk) == (
        "September 2027"
    )
    latest = french.history.first()
    assert (latest.name, latest.name_fr) == ("September 2027", "Septembre 2027")


def test_two_blank_french_names_do_not_collide(september_intake):
    # A name left blank is NULL, so the unique (programme, name_fr) holds only typed names.
    other = Intake.objects.create(
        program=september_intake.program, name="January 2028", start_date="2028-01-10", capacity=5
    )
    assert other.name_fr is None and september_intake.name_fr is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_existing_text_as_the_english_one():
    executor = MigrationExecutor(connection)
    before = [("programs", "0008_cohort_terms_exits_offers")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    school = old.get_model("programs", "Partner").objects.create(name="Alibaba Business School")
    program = old.get_model("programs", "Program").objects.create(
        name="eFounders Fellowship",
        slug="efounders",
        summary="For founders.",
        description="Long text.",
        delivered_by=school,
    )
    old.get_model("programs", "Intake").objects.create(
        program=program, name="2027 cohort", start_date="2027-03-01", capacity=30
    )
    old.get_model("programs", "FundingSource").objects.create(name="UNCTAD grant")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("programs"))
    with translation.override("fr"):
        migrated = Program.objects.get(slug="efounders")
        assert (migrated.name_en, migrated.summary_en, migrated.description_en) == (
            "eFounders Fellowship",
            "For founders.",
            "Long text.",
        )
        assert migrated.name == "eFounders Fellowship"  # French blank: English shown
        assert Intake.objects.get(program=migrated).name_en == "2027 cohort"


def test_the_programme_pages_and_apply_form_show_french_content(french):
    client = in_language("fr")
    listing = client.get("/").content.decode()
    assert "Commerce international et e-commerce transfrontalier" in listing
    assert "Une licence de quatre ans." in listing
    page = client.get(french.program.get_absolute_url()).content.decode()
    assert "Septembre 2027" in page
    assert "Bourse conjointe HEC–Alibaba" in page
    form = client.get(apply_url(french)).content.decode()
    assert "Commerce international et e-commerce transfrontalier" in form
    assert "Bourse conjointe HEC–Alibaba" in form


def test_the_apply_form_lists_countries_in_french(september_intake):
    content = in_language("fr").get(apply_url(september_intake)).content.decode()
    assert ">Ouganda<" in content
    assert ">Rwanda<" in content
    assert ">Uganda<" not in content


def test_my_applications_show_french_names(french, owner):
    EnrollmentFactory(student=owner, intake=french)
    client = signed_in(owner.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    content = client.get(MY_APPLICATIONS).content.decode()
    assert "Commerce international et e-commerce transfrontalier" in content
    assert "Septembre 2027" in content


def test_two_pages_in_french_show_a_date_the_same_way(french):
    french.start_date = french.start_date.replace(month=9, day=6)
    french.save()
    shown = f"6 septembre {french.start_date.year}"
    client = in_language("fr")
    assert shown in client.get(french.program.get_absolute_url()).content.decode()
    assert shown in client.get(apply_url(french)).content.decode()
    english = in_language("en").get(apply_url(french)).content.decode()
    assert f"6 September {french.start_date.year}" in english


def test_the_french_pages_cost_the_same_queries_as_the_english(french):
    # The translations are columns of the rows already read: no query is added.
    url = french.program.get_absolute_url()
    counts = {}
    for code in ("en", "fr"):
        with CaptureQueriesContext(connection) as queries:
            assert in_language(code).get(url).status_code == HTTPStatus.OK
        counts[code] = len(queries)
    assert counts["fr"] == counts["en"]


def test_a_decision_is_emailed_in_the_students_language_subject_included(
    french, django_capture_on_commit_callbacks
):
    student = StudentFactory(first_name="Claudine", language="fr")
    enrollment = EnrollmentFactory(student=student, intake=french)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.OFFERED)
    (message,) = deliver()
    assert message.subject.startswith(
        "Votre candidature à Commerce international et e-commerce transfrontalier : "
    )
    assert message.body.startswith("Bonjour Claudine,")
    assert "Hello" not in message.body


def test_an_online_application_records_the_language_it_was_made_in(september_intake):
    in_language("fr").post(apply_url(september_intake), application())
    (enrollment,) = Enrollment.objects.filter(intake=september_intake)
    assert enrollment.student.language == "fr"


def test_the_admin_takes_a_name_per_language(staff_client, september_intake):
    url = reverse("admin:programs_program_change", args=[september_intake.program.pk])
    content = staff_client.get(url).content.decode()
    for code in ("en", "fr", "rw"):
        assert f'name="name_{code}"' in content
        assert f'name="summary_{code}"' in content
        assert f'name="description_{code}"' in content


def test_the_demo_has_french_programmes(fresh_cache):
    import io

    from django.core.management import call_command

    call_command("seed_demo", "--no-staff", stdout=io.StringIO())
    content = in_language("fr").get("/").content.decode()
    assert "Licence en commerce international et e-commerce transfrontalier" in content
    assert "Bourse eFounders" in content
    degree = "/programmes/international-business-cross-border-ecommerce/"
    assert "Postuler pour Septembre 2027" in in_language("fr").get(degree).content.decode()
