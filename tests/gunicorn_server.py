"""gunicorn serving the project on 127.0.0.1 as in production, for end-to-end tests and the load
bench (bench/load.py): 4 worker processes, DEBUG off, on the database Django is connected to.

Not a test module: tests/test_race_gunicorn.py, tests/test_load.py and bench/load.py share it.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = 4
TIMEOUT = 60  # seconds, for any one wait


def database_url() -> str | None:
    """The URL of the database Django is connected to (under pytest, the test database), or
    None for a backend the server cannot be pointed at."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the project on 127.0.0.1, production settings, the given database."""

    def __init__(
        self, tmp_path: Path, secret_key: str, *, database: str, workers: int = WORKERS
    ) -> None:
        self.port = free_port()
        self.workers = workers
        self.log_path = tmp_path / "gunicorn.log"
        self.env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("DJANGO_") and name != "DATABASE_URL"
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="tracker.settings",
            DATABASE_URL=database,
            DJANGO_DEBUG="False",
            DJANGO_SECRET_KEY=secret_key,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="False",
            DJANGO_SECURE_COOKIES="False",
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
            timeout=TIMEOUT,
        )
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "tracker.wsgi",
                    f"--bind=127.0.0.1:{self.port}",
                    f"--workers={self.workers}",
                    f"--timeout={TIMEOUT}",
                    # The default control socket is one per user: a second gunicorn (make
                    # serve, a parallel test run) would take it over.
                    "--no-control-socket",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
            try:
                if self.request("GET", "/admin/login/")[0] == HTTPStatus.OK:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {TIMEOUT} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def request(self, method: str, path: str, body: str | None = None, cookies=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", errors="replace")
            set_cookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                set_cookie.load(header)
            return response.status, content, {k: m.value for k, m in set_cookie.items()}
        finally:
            conn.close()
