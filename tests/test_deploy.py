"""Production settings: `check --deploy` is clean, and the app refuses to start half-configured.

Each case runs manage.py in a fresh interpreter, because settings are read once per process.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
TIMEOUT = 120


def _production_env(**overrides: str | None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
        DJANGO_SITE_URL="https://tracker.example.org",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("backend", ["console", "locmem", "dummy", "filebased"])
def test_check_deploy_refuses_an_email_backend_that_delivers_nothing(backend):
    env = _production_env(DJANGO_EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend")
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "programs.E001" in result.stderr
    assert "sends nothing to anyone" in result.stderr
    # Only a deployment check: the server still starts (make serve prints to its console).
    assert _manage("check", env=env).returncode == 0


@pytest.mark.parametrize(
    "site_url",
    [
        None,
        "http://tracker.example.org",
        "https://tracker.example.org/apply",
        "tracker.example.org",
    ],
    ids=["missing", "http", "with-a-path", "no-scheme"],
)
def test_check_deploy_refuses_email_links_that_are_not_the_sites_https_address(site_url):
    env = _production_env(DJANGO_SITE_URL=site_url)
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "programs.E002" in result.stderr
    assert "the links in emails must lead to the site's public https address" in result.stderr
    assert _manage("check", env=env).returncode == 0  # a deployment check, like E001


def test_check_deploy_warns_when_the_site_url_names_another_host():
    env = _production_env(DJANGO_SITE_URL="https://elsewhere.example.org")
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "programs.W002" in result.stderr
    assert "programs.E002" not in result.stderr


def test_check_deploy_warns_when_https_protections_are_turned_off():
    env = _production_env(DJANGO_SECURE_SSL_REDIRECT="False", DJANGO_SECURE_COOKIES="False")
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    for warning in ("security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


@pytest.mark.parametrize(
    "overrides",
    [
        {"DJANGO_SECRET_KEY": None},
        {"DJANGO_SECRET_KEY": "too-short"},
        {"DJANGO_SECRET_KEY": "django-insecure-development-only-key-do-not-use-in-production"},
    ],
    ids=["missing", "short", "development-key"],
)
def test_production_refuses_to_start_without_a_real_secret_key(overrides):
    result = _manage("check", env=_production_env(**overrides))
    assert result.returncode != 0
    assert (
        "DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG is False"
        in result.stderr
    )


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", env=_production_env(DJANGO_ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is False" in result.stderr


def test_collectstatic_hashes_and_compresses_with_debug_off(tmp_path):
    env = _production_env(DJANGO_STATIC_ROOT=str(tmp_path))
    result = _manage("collectstatic", "--noinput", "-v0", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    # The vendored Bootstrap points at its source map; the manifest storage must find it.
    assert "vendor/bootstrap/css/bootstrap.min.css.map" in manifest
    assert list(tmp_path.glob("vendor/bootstrap/css/bootstrap.min.*.css.gz"))


@pytest.mark.parametrize(
    ("name", "value"),
    [("DJANGO_DEBUG", "Flase"), ("DJANGO_SECURE_COOKIES", "maybe"), ("DJANGO_EMAIL_PORT", "25a")],
)
def test_a_setting_that_cannot_be_read_stops_the_start(name, value):
    result = _manage("check", env=_production_env(**{name: value}))
    assert result.returncode != 0
    assert f"{name}={value!r}" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_yes_and_no_are_read_whatever_the_capitals():
    env = _production_env(DJANGO_DEBUG="FALSE", DJANGO_SECURE_COOKIES=" Yes ")
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
