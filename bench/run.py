#!/usr/bin/env python
"""The benchmark behind `make bench`: writes docs/performance.md.

    .venv/bin/python bench/run.py                     # everything (what `make bench` runs)
    .venv/bin/python bench/run.py --sizes 10000 --backends sqlite     # a quick look
    .venv/bin/python bench/run.py report              # rewrite the doc from bench-results/

For each backend (SQLite; PostgreSQL through scripts/with-postgres.sh, skipped with a note when
no server can be had) and each size N, a child process (`run.py measure`) migrates a fresh
database, builds bench data with `generate_bench_data --students N`, and measures in-process
through Django's test Client with DEBUG off:

- queries per request of every page below (pages are found by URL name; one that does not
  resolve yet is skipped with a note), which must not change with N;
- median and 95th-percentile latency of each page, over many requests made in shuffled order
  together with a minimal view (bench/views.py) that goes through the same middleware; each
  page is reported as a ratio to that minimal view;
- the CSV export of all enrollments: wall time against the sqlite3 command-line tool (or psql's
  \\copy) exporting the same columns in the same order, and peak memory in a fresh process;
- the SQL of the enrollment changelist (does it COUNT every row?) and the query plans of the
  heaviest queries.

Each child writes bench-results/<backend>-<N>.json; the parent writes the doc from them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import random
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench-results"
DOC = ROOT / "docs" / "performance.md"
SIZES = [10_000, 100_000]
BACKENDS = ["sqlite", "postgresql"]
# Seconds of shuffled requests per backend and size; rounds are clamped to these bounds.
LATENCY_BUDGET = 30.0
MIN_ROUNDS, MIN_ROUNDS_SLOW, MAX_ROUNDS = 30, 8, 400
EXPORT_RUNS, EXPORT_RUNS_LARGE = 5, 3
HEAVY_RUNS = 3

PUBLIC_TARGET = 3.0
ADMIN_TARGET = 6.0
EXPORT_TARGET = 3.0
MEMORY_TARGET = 1.2


@dataclass
class Page:
    key: str
    label: str
    url_name: str
    group: str  # baseline, public, admin, staff
    user: str  # anonymous, student, staff
    target: float | None = None
    query: str = ""
    # Heavy pages are timed on their own, a few times, instead of in the shuffled rounds;
    # `warm` is the query string of a small request that loads their code first.
    heavy: bool = False
    warm: str = ""


PAGES = [
    Page("minimal", "Minimal view (the baseline)", "bench-minimal", "baseline", "anonymous"),
    Page(
        "layout", "base.html with no content (reference)", "bench-layout", "baseline", "anonymous"
    ),
    Page("program_list", "Programme list", "programs:program-list", "public", "anonymous", 3.0),
    Page("program_detail", "Programme page", "programs:program-detail", "public", "anonymous", 3.0),
    Page("apply", "Apply form (GET)", "programs:intake-apply", "public", "anonymous", 3.0),
    Page(
        "my_applications",
        "My applications (student, 3 enrollments)",
        "programs:my-applications",
        "public",
        "student",
        3.0,
    ),
    Page(
        "admin_enrollments",
        "Admin: enrollments",
        "admin:programs_enrollment_changelist",
        "admin",
        "staff",
        6.0,
    ),
    Page(
        "admin_students",
        "Admin: students",
        "admin:programs_student_changelist",
        "admin",
        "staff",
        6.0,
    ),
    Page(
        "admin_intakes", "Admin: intakes", "admin:programs_intake_changelist", "admin", "staff", 6.0
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


# --- the parent: run every backend and size, then write the doc ----------------------------


def bench_env() -> dict[str, str]:
    """Production-like settings (DEBUG off) for the children, and the baseline views."""
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_SECURE_COOKIES="False",
        DJANGO_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONWARNINGS="ignore",
    )
    return env


def ensure_sqlite3_cli() -> None:
    if shutil.which("sqlite3"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: installing Debian's sqlite3 command-line tool for the export baseline")
        quiet = {
            "stdout": subprocess.DEVNULL,
            "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        }
        subprocess.run(["apt-get", "update", "-qq"], check=False, **quiet)
        subprocess.run(["apt-get", "install", "-y", "-qq", "sqlite3"], check=False, **quiet)
    if not shutil.which("sqlite3"):
        print("bench: no sqlite3 command-line tool; the SQLite export baseline will be skipped")


def run_all(args: argparse.Namespace) -> int:
    ensure_sqlite3_cli()
    RESULTS.mkdir(exist_ok=True)
    env = bench_env()
    started = time.monotonic()
    failures = 0
    for backend in args.backends:
        for n in args.sizes:
            out = RESULTS / f"{backend}-{n}.json"
            out.unlink(missing_ok=True)
            child = [PY, str(Path(__file__)), "measure", "--students", str(n), "--out", str(out)]
            print(f"\n=== bench: {backend}, N = {n:,} ===", flush=True)
            if backend == "sqlite":
                db = Path(f"/tmp/bench-{os.getpid()}-{n}.sqlite3")
                for path in db.parent.glob(db.name + "*"):
                    path.unlink()
                rc = subprocess.run(
                    child, cwd=ROOT, env={**env, "DATABASE_URL": f"sqlite:///{db}"}
                ).returncode
                for path in db.parent.glob(db.name + "*"):
                    path.unlink()
            else:
                rc = subprocess.run(
                    [str(ROOT / "scripts" / "with-postgres.sh"), *child], cwd=ROOT, env=env
                ).returncode
            if rc != 0:
                failures += 1
                print(f"bench: {backend} at N = {n:,} failed (exit {rc})")
            elif not out.exists():
                print(f"bench: {backend} at N = {n:,} was skipped")
    write_doc(args.sizes, args.backends, time.monotonic() - started)
    print(f"\nbench: wrote {DOC.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


# --- the child: one backend, one size ------------------------------------------------------


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
    student = Student.objects.annotate(n=Count("enrollments")).filter(n=3).order_by("pk").first()
    student_user = User.objects.create_user("bench-student", student.email, None)
    Student.objects.filter(pk=student.pk).update(user=student_user)
    program = Program.objects.for_public_display().order_by("pk").first()
    open_intakes = [i for i in Intake.objects.filter(program=program) if i.applications_are_open()]
    intake = open_intakes[0] if open_intakes else Intake.objects.filter(program=program).first()
    source = FundingSource.objects.annotate(n=Count("enrollments")).order_by("-n", "pk").first()
    assert Enrollment.objects.filter(student=student).count() == 3
    return Context(
        staff_id=staff.pk,
        student_user_id=student_user.pk,
        slug=program.slug,
        program_id=program.pk,
        intake_id=intake.pk,
        source_id=source.pk,
    )


def url_for(page: Page, ctx: Context) -> str | None:
    """The page's address, or None while its URL name does not resolve (not built yet)."""
    from django.urls import NoReverseMatch, reverse

    candidates = {
        "programs:program-detail": [{"slug": ctx.slug}, {"pk": ctx.program_id}],
        "programs:intake-apply": [
            {"pk": ctx.intake_id},
            {"intake_id": ctx.intake_id},
            {"slug": ctx.slug, "pk": ctx.intake_id},
        ],
    }.get(page.url_name, [{}])
    for kwargs in candidates:
        try:
            url = reverse(page.url_name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        return f"{url}?{page.query}" if page.query else url
    return None


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


def latencies(
    pages: list[tuple[Page, str]], by_user: dict, render_every_time: bool = False
) -> tuple[dict, int]:
    """Shuffled rounds of one request per page, so noise from other work on the machine falls
    on every page alike. Returns milliseconds per page and the number of rounds.

    With render_every_time, the page cache is made stale (outside the timing) before each
    request, as a write would: each page is rendered, as on the first visit after a write."""
    samples: dict[str, list[float]] = {page.key: [] for page, _url in pages}

    def one_round() -> float:
        order = list(pages)
        random.shuffle(order)
        started = time.perf_counter()
        for page, url in order:
            t0 = time.perf_counter()
            fetch(by_user[page.user], url)
            samples[page.key].append((time.perf_counter() - t0) * 1000)
        return time.perf_counter() - started

    for _ in range(2):  # warm-up: caches, template loading, connections
        round_time = one_round()
    for values in samples.values():
        values.clear()
    # Slow pages get fewer rounds (at least MIN_ROUNDS_SLOW) so that a run stays in minutes.
    by_budget = LATENCY_BUDGET / max(round_time, 1e-3)
    floor = MIN_ROUNDS if round_time * MIN_ROUNDS <= 2 * LATENCY_BUDGET else MIN_ROUNDS_SLOW
    rounds = int(min(MAX_ROUNDS, max(floor, by_budget)))
    for _ in range(rounds):
        one_round()
    return samples, rounds


def export_baseline_sql(vendor: str) -> str:
    """The export's 15 columns, in its order, in one SQL statement (what a DBA would run)."""
    import zoneinfo

    from django.conf import settings

    from programs.models import (
        Enrollment,
        FundingShare,
        FundingSource,
        Intake,
        Partner,
        Program,
        Student,
    )

    t = {m.__name__: m._meta.db_table for m in (Enrollment, FundingShare, FundingSource, Intake)}
    t |= {m.__name__: m._meta.db_table for m in (Partner, Program, Student)}
    tz = settings.TIME_ZONE
    if vendor == "sqlite":
        offset = zoneinfo.ZoneInfo(tz).utcoffset(datetime.datetime.now())
        shift = f"'{offset.total_seconds() / 3600:+.0f} hours'"
        local = lambda column: f"date({column}, {shift})"  # noqa: E731
        agg = "group_concat({}, '; ')"
        share = "CAST(sh.share_percent AS TEXT)"
    else:
        local = lambda column: f"({column} AT TIME ZONE '{tz}')::date"  # noqa: E731
        agg = "string_agg({}, '; ' ORDER BY sh.id)"
        share = "trim_scale(sh.share_percent)::text"
    co_funder = (
        "COALESCE(NULLIF(pa.short_name, ''), pa.name) || CASE WHEN sh.share_percent IS NULL "
        f"THEN ' (share not given)' ELSE ' ' || {share} || '%' END"
    )
    return f"""
        SELECT e.id AS "Enrollment ID", s.first_name AS "First name",
               s.last_name AS "Last name", s.email AS "Email",
               CASE WHEN substr(s.phone, 1, 1) IN ('=', '+', '-', '@')
                    THEN '''' || s.phone ELSE s.phone END AS "Phone",
               s.national_id AS "National ID", s.country AS "Country",
               p.name AS "Programme", i.name AS "Intake", i.start_date AS "Intake start date",
               e.status AS "Status", {local("e.status_changed_at")} AS "Status changed on",
               COALESCE(f.name, '') AS "Funding source", COALESCE(cf.text, '') AS "Co-funders",
               {local("e.created_at")} AS "Applied on"
        FROM {t["Enrollment"]} e
        JOIN {t["Student"]} s ON s.id = e.student_id
        JOIN {t["Intake"]} i ON i.id = e.intake_id
        JOIN {t["Program"]} p ON p.id = i.program_id
        LEFT JOIN {t["FundingSource"]} f ON f.id = e.funding_source_id
        LEFT JOIN (
            SELECT sh.funding_source_id AS source_id, {agg.format(co_funder)} AS text
            FROM {t["FundingShare"]} sh JOIN {t["Partner"]} pa ON pa.id = sh.partner_id
            GROUP BY sh.funding_source_id
        ) cf ON cf.source_id = e.funding_source_id
        ORDER BY p.name, i.start_date, i.name, s.last_name, s.first_name, e.id
    """


def export_baseline_command(vendor: str) -> tuple[list[str], str] | str:
    """The command-line tool writing the same CSV to a pipe, or why there is none."""
    from django.db import connection

    sql = " ".join(export_baseline_sql(vendor).split())
    if vendor == "sqlite":
        tool = shutil.which("sqlite3")
        if not tool:
            return "no sqlite3 command-line tool"
        name = "sqlite3 -csv -header"
        return [tool, "-csv", "-header", str(connection.settings_dict["NAME"]), sql], name
    tool = shutil.which("psql") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"), reverse=True)), None
    )
    if not tool:
        return "no psql"
    url = os.environ["DATABASE_URL"]
    name = "psql \\copy (SELECT ...) TO STDOUT WITH CSV HEADER"
    return [str(tool), url, "-X", "-q", "-c", f"\\copy ({sql}) TO STDOUT WITH CSV HEADER"], name


def export_against_baseline(client, url: str, vendor: str, runs: int) -> tuple[dict, dict]:
    """Time the export and the command-line tool in alternation, `runs` times each, so that
    both meet the same load; the ratio is the median of the pairs' ratios."""
    command = export_baseline_command(vendor)
    django_times, tool_times, lines, size = [], [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        fetch(client, url)
        django_times.append(time.perf_counter() - started)
        if isinstance(command, str):
            continue
        started = time.perf_counter()
        result = subprocess.run(command[0], capture_output=True, check=True)
        tool_times.append(time.perf_counter() - started)
        lines, size = result.stdout.count(b"\n"), len(result.stdout)
    export = {
        "seconds": statistics.median(django_times),
        "latency_ms": {
            "median": statistics.median(django_times) * 1000,
            "p95": max(django_times) * 1000,
            "samples": len(django_times),
        },
    }
    if isinstance(command, str):
        return export, {"skipped": command}
    export["ratio"] = statistics.median(
        d / t for d, t in zip(django_times, tool_times, strict=True)
    )
    baseline = {
        "tool": command[1],
        "seconds": statistics.median(tool_times),
        "rows": lines - 1,
        "bytes": size,
    }
    return export, baseline


def export_memory(url: str, n: int, proposed: bool) -> dict:
    """Peak memory of the export in a fresh process (the parent's is not comparable)."""
    command = [PY, str(Path(__file__)), "export-memory", "--url", url, "--students", str(n)]
    result = subprocess.run(
        [*command, "--proposed"] if proposed else command,
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def explain(sql: str, vendor: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            rows = cursor.fetchall()
            depth = {0: -1}
            lines = []
            for node, parent, _unused, detail in rows:
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
            return "\n".join(lines)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


# The query each index was made for: (index, page, a pattern of the query's SQL).
INDEX_QUERIES = [
    (
        "enrollment_newest_first",
        "admin_enrollments",
        r'ORDER BY "programs_enrollment"."created_at" DESC',
    ),
    ("student_name_order", "admin_students", r'^SELECT "programs_student"."id".*LIMIT 100'),
    ("student_account", "my_applications", r'^SELECT "programs_enrollment"."id".*"user_id" ='),
    ("enrollment_intake_seat_src", "admin_intakes", r'^SELECT "programs_intakefunding"."id"'),
    ("enrollment_intake_seat_src", "program_list", r'^SELECT "programs_intake"."id"'),
]


def index_plans(pages: dict, vendor: str) -> list[dict]:
    """The plan of each query an index was made for, as it runs now."""
    plans = []
    for index, key, pattern in INDEX_QUERIES:
        for query in (pages.get(key) or {}).get("sql") or []:
            if re.search(pattern, query["sql"], re.DOTALL):
                plan = explain(query["sql"], vendor)
                plans.append({"index": index, "page": pages[key]["label"], **query, "plan": plan})
                break
    return plans


NOISE = re.compile(r'FROM "(django_session|auth_user|auth_permission|auth_group)"')


def measure_pages(
    ctx: Context, by_user: dict, only: set[str] | None = None, render_every_time: bool = False
) -> dict:
    """Queries, bytes and latency of every page (or of `only` and the baselines).

    The queries counted are those of rendering the page (the page cache made stale first);
    `queries_cached` counts those of the same request served from the page cache."""

    phase: dict = {"pages": {}, "queries": []}
    measured: list[tuple[Page, str]] = []
    for page in PAGES:
        if only is not None and page.group != "baseline" and page.key not in only:
            continue
        url = url_for(page, ctx)
        row = {**asdict(page), "url": url}
        phase["pages"][page.key] = row
        if url is None:
            row["skipped"] = f"URL name {page.url_name} does not resolve yet"
            print(f"  {page.label}: skipped ({row['skipped']})")
            continue
        client = by_user[page.user]
        status, size, queries = warm_and_capture(client, page, url, ctx)
        row.update(status=status, bytes=size, queries=len(queries), sql=queries)
        row["queries_cached"] = len(capture(client, url)[2])
        if status != 200:
            row["skipped"] = f"answered {status}, not 200"
            print(f"  {page.label}: skipped ({row['skipped']})")
            continue
        phase["queries"] += [{**q, "page": page.label} for q in queries]
        if page.heavy:
            row["latency_ms"] = time_few(client, url)
        else:
            measured.append((page, url))
        print(f"  {page.label}: {len(queries)} queries, {size:,} bytes")
    print("bench: latency", flush=True)
    load_before = os.getloadavg()[0]
    samples, rounds = latencies(measured, by_user, render_every_time)
    phase["rounds"] = rounds
    phase["load"] = [load_before, os.getloadavg()[0]]
    for key, values in samples.items():
        phase["pages"][key]["latency_ms"] = {
            "median": statistics.median(values),
            "p95": percentile(values, 0.95),
            "samples": len(values),
        }
    return phase


def measure_export(ctx: Context, by_user: dict, n: int, proposed: bool) -> tuple[dict, list]:
    """The export of all rows: queries, wall time, memory; the CSV's digest to compare."""
    import hashlib

    from django.db import connection

    from programs.models import ExportLog

    export = {**asdict(EXPORT), "url": url_for(EXPORT, ctx)}
    if export["url"] is None:
        export["skipped"] = f"URL name {EXPORT.url_name} does not resolve yet"
        return export, []
    staff = by_user["staff"]
    status, size, queries = warm_and_capture(staff, EXPORT, export["url"], ctx)
    export.update(status=status, bytes=size, queries=len(queries), sql=queries)
    response = staff.get(export["url"])
    export["sha256"] = hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
    runs = EXPORT_RUNS if n <= 10_000 else EXPORT_RUNS_LARGE
    timing, baseline = export_against_baseline(staff, export["url"], connection.vendor, runs)
    export.update(timing, baseline=baseline)
    export["rows"] = ExportLog.objects.order_by("-pk").values_list("row_count", flat=True)[0]
    export["memory"] = export_memory(export["url"], n, proposed)
    return export, [{**q, "page": EXPORT.label} for q in queries]


def heaviest_queries(queries: list[dict], vendor: str, limit: int) -> list[dict]:
    heaviest, seen = [], set()
    for query in sorted(queries, key=lambda q: -q["ms"]):
        shape = re.sub(r"\d+", "N", query["sql"])[:300]
        if shape in seen or NOISE.search(query["sql"]) or not query["sql"].startswith("SELECT"):
            continue
        seen.add(shape)
        heaviest.append({**query, "plan": explain(query["sql"], vendor)})
        if len(heaviest) == limit:
            break
    return heaviest


def measure(args: argparse.Namespace) -> int:
    n = args.students
    print(f"bench: migrating {os.environ.get('DATABASE_URL', '(default database)')}", flush=True)
    migrate_s = manage("migrate", "--noinput", "-v0")
    build_s = 0.0 if args.reuse else manage("generate_bench_data", "--students", str(n))
    setup_django()
    import django
    from django.db import connection

    from programs.models import Enrollment

    vendor = connection.vendor
    ctx = prepare()
    by_user = clients(ctx)
    version = connection.get_database_version()
    result: dict = {
        "backend": vendor,
        "django": django.get_version(),
        "server": f"{connection.display_name} {'.'.join(map(str, version))}",
        "students": n,
        "enrollments": Enrollment.objects.count(),
        "migrate_seconds": migrate_s,
        "build_seconds": build_s,
    }

    print("bench: pages as the code is", flush=True)
    phase = measure_pages(ctx, by_user)
    print("bench: export", flush=True)
    export, export_queries = measure_export(ctx, by_user, n, proposed=False)
    queries = phase.pop("queries") + export_queries
    result.update(phase, export=export)
    result["heaviest"] = heaviest_queries(queries, vendor, args.plans)
    result["index_plans"] = index_plans(result["pages"], vendor)

    print("bench: pages rendered on every request (page cache made stale each time)", flush=True)
    rendered = measure_pages(
        ctx,
        by_user,
        only={p.key for p in PAGES if p.group in ("public", "admin")},
        render_every_time=True,
    )
    rendered.pop("queries")
    result["rendered"] = rendered

    Path(args.out).write_text(json.dumps(result, indent=1, default=str))
    print(f"bench: wrote {args.out}")
    return 0


def rss_kb(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, from /proc; getrusage's ru_maxrss would
    carry the parent's peak over fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak_rss() -> None:
    """Make VmHWM start again from the current RSS (Linux 4.0+), so the peak is the export's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def measure_export_memory(args: argparse.Namespace) -> int:
    import tracemalloc

    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-staff"))
    fetch(client, "/bench/minimal/")
    fetch(client, args.url + "?status=deferred")  # import and warm everything on a few rows
    before = rss_kb("VmRSS")
    reset_peak_rss()
    status, size = fetch(client, args.url)
    after = rss_kb("VmHWM")
    tracemalloc.start()
    fetch(client, args.url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "status": status,
                "bytes": size,
                "rss_before_kb": before,
                "rss_peak_kb": after,
                "traced_peak_bytes": peak,
            }
        )
    )
    return 0


# --- the doc -------------------------------------------------------------------------------


def load_results(sizes: list[int], backends: list[str]) -> dict:
    results = {}
    for backend in backends:
        for n in sizes:
            path = RESULTS / f"{backend}-{n}.json"
            if path.exists():
                results[backend, n] = json.loads(path.read_text())
    return results


def write_doc(sizes: list[int], backends: list[str], elapsed: float | None = None) -> None:
    from bench.report import render

    current = DOC.read_text() if DOC.exists() else ""
    DOC.write_text(render(load_results(sizes, backends), sizes, backends, elapsed, current))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=BACKENDS)
    sub = parser.add_subparsers(dest="command")
    child = sub.add_parser("measure", help="One backend and size (DATABASE_URL must be set).")
    child.add_argument("--students", type=int, required=True)
    child.add_argument("--out", required=True)
    child.add_argument("--plans", type=int, default=6)
    child.add_argument(
        "--reuse", action="store_true", help="Keep the bench data already there (development)."
    )
    memory = sub.add_parser("export-memory", help="Peak memory of one export (internal).")
    memory.add_argument("--url", required=True)
    memory.add_argument("--students", type=int, required=True)
    memory.add_argument("--proposed", action="store_true")
    sub.add_parser("report", help="Rewrite docs/performance.md from bench-results/.")
    args = parser.parse_args()
    if args.command == "measure":
        return measure(args)
    if args.command == "export-memory":
        return measure_export_memory(args)
    if args.command == "report":
        write_doc(args.sizes, args.backends)
        return 0
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
