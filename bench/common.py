"""What the bench measures and the helpers every part of it shares (bench/run.py runs it)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench-results"
DOC = ROOT / "docs" / "performance.md"
SIZES = [10_000, 100_000]
BACKENDS = ["sqlite", "postgresql"]
# Seconds of shuffled requests per backend and size; rounds are clamped to these bounds.
LATENCY_BUDGET = 25.0
MIN_ROUNDS, MIN_ROUNDS_SLOW, MAX_ROUNDS = 20, 8, 300
EXPORT_RUNS, EXPORT_RUNS_LARGE = 5, 3
HEAVY_RUNS = 3

PUBLIC_TARGET = 2.0  # × the plain view with a bare template
ADMIN_TARGET = 1.5  # × the vanilla ModelAdmin
EXPORT_TARGET = 3.0  # × the command-line tool
MEMORY_TARGET = 1.2  # peak at 100k over peak at 10k


@dataclass
class Page:
    key: str
    label: str
    url_name: str
    group: str  # baseline, peer, public, admin, staff
    user: str  # anonymous, student, staff
    target: float | None = None
    peer: str = ""  # the key of the page it is compared with
    query: str = ""
    # Heavy pages are timed on their own, a few times, instead of in the shuffled rounds;
    # `warm` is the query string of a small request that loads their code first.
    heavy: bool = False
    warm: str = ""


def _pair(key: str, label: str, name: str, group: str, user: str, peer_name: str) -> list[Page]:
    target = ADMIN_TARGET if group == "admin" else PUBLIC_TARGET
    peer_label = "vanilla ModelAdmin" if group == "admin" else "plain view, bare template"
    return [
        Page(key, label, name, group, user, target, peer=f"peer_{key}"),
        Page(f"peer_{key}", f"{label}: peer ({peer_label})", peer_name, "peer", user),
    ]


PAGES = [
    Page(
        "minimal",
        "Minimal view (same middleware, no template)",
        "bench-minimal",
        "baseline",
        "anonymous",
    ),
    *_pair(
        "program_list",
        "Programme list",
        "programs:program-list",
        "public",
        "anonymous",
        "bench-program-list",
    ),
    *_pair(
        "program_detail",
        "Programme page",
        "programs:program-detail",
        "public",
        "anonymous",
        "bench-program-detail",
    ),
    *_pair(
        "apply",
        "Apply form (GET)",
        "programs:intake-apply",
        "public",
        "anonymous",
        "bench-intake-apply",
    ),
    *_pair(
        "my_applications",
        "My applications (student, 3 enrollments)",
        "programs:my-applications",
        "public",
        "student",
        "bench-my-applications",
    ),
    *_pair(
        "admin_enrollments",
        "Admin: enrollments",
        "admin:programs_enrollment_changelist",
        "admin",
        "staff",
        "peer-admin:programs_enrollment_changelist",
    ),
    *_pair(
        "admin_students",
        "Admin: students",
        "admin:programs_student_changelist",
        "admin",
        "staff",
        "peer-admin:programs_student_changelist",
    ),
    *_pair(
        "admin_intakes",
        "Admin: intakes",
        "admin:programs_intake_changelist",
        "admin",
        "staff",
        "peer-admin:programs_intake_changelist",
    ),
    Page(
        "funder_report",
        "Funder report (all sources: numbers, students listed up to 1,000)",
        "programs:funder-report",
        "staff",
        "staff",
        heavy=True,
        warm="intake={intake_id}",
    ),
]
EXPORT = Page(
    "export",
    "Enrollment export (CSV, all rows)",
    "programs:enrollment-export",
    "staff",
    "staff",
    heavy=True,
    warm="status=deferred",
)


def manage(*argv: str) -> float:
    started = time.monotonic()
    subprocess.run([PY, str(ROOT / "manage.py"), *argv], cwd=ROOT, check=True)
    return time.monotonic() - started


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.test.utils import override_settings

    # The manifest storage of DEBUG=False needs collectstatic; the plain storage builds the
    # same URLs without writing staticfiles/ in a shared checkout.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()


@dataclass
class Context:
    staff_id: int = 0
    student_user_id: int = 0
    slug: str = ""
    program_id: int = 0
    intake_id: int = 0
    source_id: int = 0


def prepare() -> Context:
    """A superuser for the staff pages, and a sign-in for a student with three enrollments."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from programs.models import Enrollment, FundingSource, Intake, Program, Student

    User = get_user_model()
    User.objects.filter(username__in=["bench-staff", "bench-student"]).delete()
    staff = User.objects.create_superuser("bench-staff", "staff@bench.example.org", None)
    student = Student.objects.annotate(n=Count("enrollments")).filter(n=3).order_by("pk")[0]
    student_user = User.objects.create_user("bench-student", student.email, None)
    Student.objects.filter(pk=student.pk).update(user=student_user)
    program = Program.objects.for_public_display().order_by("pk")[0]
    open_intakes = [i for i in Intake.objects.filter(program=program) if i.applications_are_open()]
    intake = open_intakes[0] if open_intakes else Intake.objects.filter(program=program)[0]
    source = FundingSource.objects.annotate(n=Count("enrollments")).order_by("-n", "pk")[0]
    assert Enrollment.objects.filter(student=student).count() == 3
    return Context(
        staff_id=staff.pk,
        student_user_id=student_user.pk,
        slug=program.slug,
        program_id=program.pk,
        intake_id=intake.pk,
        source_id=source.pk,
    )


def url_for(page: Page, ctx: Context) -> str:
    from django.urls import reverse

    by_name: dict[str, dict[str, Any]] = {
        "program-detail": {"slug": ctx.slug},
        "intake-apply": {"pk": ctx.intake_id},
    }
    kwargs = by_name.get(page.url_name.split(":")[-1].removeprefix("bench-"), {})
    url = reverse(page.url_name, kwargs=kwargs)
    return f"{url}?{page.query}" if page.query else url


def clients(ctx: Context) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    student, staff = Client(), Client()
    student.force_login(User.objects.get(pk=ctx.student_user_id))
    staff.force_login(User.objects.get(pk=ctx.staff_id))
    return {"anonymous": Client(), "student": student, "staff": staff}


def fetch(client, url: str) -> tuple[int, int]:
    response = client.get(url)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return response.status_code, size


def capture(client, url: str) -> tuple[int, int, list[dict]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        status, size = fetch(client, url)
    return status, size, [{"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in queries]


def warm_and_capture(client, page: Page, url: str, ctx: Context) -> tuple[int, int, list[dict]]:
    """Load the page's code and caches with a first request, then count the next one's SQL."""
    warm = url
    if page.warm:
        warm = f"{url.split('?')[0]}?{page.warm.format(**asdict(ctx))}"
    fetch(client, warm)
    return capture(client, url)


def time_few(client, url: str) -> dict:
    times = []
    for _ in range(HEAVY_RUNS):
        started = time.perf_counter()
        fetch(client, url)
        times.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(times), "p95": max(times), "samples": len(times)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]
