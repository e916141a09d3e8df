"""English, French and Kinyarwanda: pages, forms, messages and catalogues are translated."""

import ast
import gettext
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from .factories import IntakeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

LOCALE = Path(settings.BASE_DIR) / "locale"


def in_language(code: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


@pytest.fixture
def degree(september_intake):
    return september_intake.program


@pytest.mark.parametrize(
    ("code", "texts"),
    [
        ("en", ["Programmes and applications", "Next intake: September 2027", "Sign in"]),
        (
            "fr",
            [
                '<html lang="fr">',
                "Programmes et candidatures",
                "Prochaine promotion : September 2027",
                "Se connecter",
                "Diplôme",
                "Ouvert",
            ],
        ),
        (
            "rw",
            [
                '<html lang="rw">',
                "Porogaramu n'ubusabe",
                "Icyiciro gikurikira: September 2027",
                "Injira",
                "Impamyabumenyi",
                "Birafunguye",
            ],
        ),
    ],
)
def test_the_programme_list_is_translated(degree, code, texts):
    content = in_language(code).get("/").content.decode()
    for text in texts:
        assert text in content


def test_the_programme_page_is_translated_with_local_dates(degree, september_intake):
    september_intake.start_date = september_intake.start_date.replace(month=9, day=6)
    september_intake.save()
    year = september_intake.start_date.year
    fr = in_language("fr").get(degree.get_absolute_url()).content.decode()
    assert "Prochaines promotions" in fr
    assert f"6 septembre {year}" in fr
    assert "Financeurs" in fr
    rw = in_language("rw").get(degree.get_absolute_url()).content.decode()
    assert "Ibyiciro biri imbere" in rw
    assert f"6 Nzeri {year}" in rw
    assert "Abaterankunga" in rw


def test_the_language_switcher_remembers_the_choice(degree):
    client = Client()
    response = client.post(reverse("set_language"), {"language": "rw", "next": "/"})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/"
    assert "Icyiciro gikurikira" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Prochaine promotion" in client.get("/").content.decode()


def test_the_switcher_lists_every_language_by_its_own_name(degree):
    content = Client().get("/").content.decode()
    for code, name in [("en", "English"), ("fr", "français"), ("rw", "Ikinyarwanda")]:
        assert f'value="{code}" lang="{code}"' in content
        assert name in content


@pytest.mark.parametrize(
    ("code", "first_name_error", "consent_error"),
    [
        (
            "fr",
            "Veuillez saisir votre prénom.",
            "Nous ne pouvons traiter votre candidature que si vous acceptez",
        ),
        (
            "rw",
            "Andika izina ryawe bwite.",
            "Dushobora gukurikirana ubusabe bwawe ari uko gusa wemeye",
        ),
    ],
)
def test_validation_messages_are_translated(
    september_intake, code, first_name_error, consent_error
):
    url = reverse("programs:intake-apply", args=[september_intake.pk])
    content = in_language(code).post(url, {}).content.decode().replace("&#x27;", "'")
    assert first_name_error in content
    assert consent_error in content


def test_service_refusals_shown_to_applicants_are_translated():
    from programs.services import seats_message

    with translation.override("fr"):
        assert seats_message(taken=22, capacity=22) == (
            "Cette promotion est complète : 22 places sur 22 sont prises."
        )
    with translation.override("rw"):
        assert seats_message(taken=22, capacity=22) == (
            "Iki cyiciro cyuzuye: imyanya 22 kuri 22 yafashwe."
        )


def test_djangos_own_sign_in_messages_are_translated_into_kinyarwanda(db):
    response = in_language("rw").post(reverse("login"), {"username": "x", "password": "y"})
    content = response.content.decode().replace("&#x27;", "'")
    assert "Andika izina ukoresha n'ijambo ry'ibanga bikwiye." in content
    assert "Ijambo ry'ibanga" in content  # the field label


def test_a_closed_intake_explains_itself_in_french(db):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    intake = IntakeFactory(
        applications_open_on=today + datetime.timedelta(days=3),
        applications_close_on=today + datetime.timedelta(days=30),
    )
    url = reverse("programs:intake-apply", args=[intake.pk])
    content = in_language("fr").get(url).content.decode()
    assert "ne sont pas encore ouvertes. Elles ouvrent le" in content


# --- the catalogues ------------------------------------------------------------------------


def read_po(path: Path) -> list[dict[str, Any]]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (dict by index), flags."""
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] | None = None
    key: tuple[Any, ...] = ()  # where a continuation line goes: ("msgid",), ("msgstr", 0)
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, key = None, ()
            continue
        entry = entry or {"flags": [], "msgid": "", "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += value
            else:
                entry[key[0]] += value
        else:
            word, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if word.startswith("msgstr"):
                index = int(word[7:-1]) if "[" in word else 0
                entry["msgstr"][index] = value
                key = ("msgstr", index)
            else:
                entry[word] = value
                key = (word,)
    return entries


@pytest.mark.parametrize("code", ["fr", "rw"])
def test_every_message_is_translated_and_none_is_fuzzy(code):
    header, *entries = read_po(LOCALE / code / "LC_MESSAGES" / "django.po")
    assert "fuzzy" not in header["flags"]
    assert f"Language: {code}\\n" in repr(header["msgstr"][0]).replace("\\\\", "\\")
    assert "nplurals=2" in header["msgstr"][0]
    assert len(entries) > 200
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert all(entry["msgstr"].values()), f"untranslated: {entry['msgid']!r}"
        assert len(entry["msgstr"]) == (2 if entry["msgid_plural"] else 1)


@pytest.mark.parametrize("code", ["fr", "rw"])
def test_the_compiled_catalogue_matches_the_po_file(code):
    directory = LOCALE / code / "LC_MESSAGES"
    with (directory / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in read_po(directory / "django.po")[1:]:
        if entry["msgid_plural"]:
            assert (
                compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == (entry["msgstr"][0])
            ), "run compilemessages"
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], "run compilemessages"
