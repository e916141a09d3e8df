"""The export of all enrollments against the command-line tool, and its peak memory."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import time
from dataclasses import asdict
from pathlib import Path

from bench.common import (
    EXPORT,
    EXPORT_RUNS,
    EXPORT_RUNS_LARGE,
    PY,
    ROOT,
    Context,
    fetch,
    setup_django,
    url_for,
    warm_and_capture,
)


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
        offset = zoneinfo.ZoneInfo(tz).utcoffset(datetime.datetime.now()) or datetime.timedelta()
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
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"), reverse=True)
    psql = shutil.which("psql") or (str(found[0]) if found else None)
    if not psql:
        return "no psql"
    url = os.environ["DATABASE_URL"]
    name = "psql \\copy (SELECT ...) TO STDOUT WITH CSV HEADER"
    return [psql, url, "-X", "-q", "-c", f"\\copy ({sql}) TO STDOUT WITH CSV HEADER"], name


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


def export_memory(url: str, n: int) -> dict:
    """Peak memory of the export in a fresh process (the parent's is not comparable)."""
    command = [
        PY,
        str(ROOT / "bench" / "run.py"),
        "export-memory",
        "--url",
        url,
        "--students",
        str(n),
    ]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_export(ctx: Context, by_user: dict, n: int) -> tuple[dict, list]:
    """The export of all rows: queries, wall time, memory; the CSV's digest to compare."""
    from django.db import connection

    from programs.models import ExportLog

    url = url_for(EXPORT, ctx)
    export: dict = {**asdict(EXPORT), "url": url}
    staff = by_user["staff"]
    status, size, queries = warm_and_capture(staff, EXPORT, url, ctx)
    export.update(status=status, bytes=size, queries=len(queries), sql=queries)
    response = staff.get(url)
    export["sha256"] = hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
    runs = EXPORT_RUNS if n <= 10_000 else EXPORT_RUNS_LARGE
    timing, baseline = export_against_baseline(staff, url, connection.vendor, runs)
    export.update(timing, baseline=baseline)
    export["rows"] = ExportLog.objects.order_by("-pk").values_list("row_count", flat=True)[0]
    export["memory"] = export_memory(url, n)
    return export, [{**q, "page": EXPORT.label} for q in queries]


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
    fetch(client, "/bench/minimal/")  # the middleware and the session
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
