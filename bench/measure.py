"""The child of bench/run.py: one backend, one size. Builds the data, measures, writes JSON."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from dataclasses import asdict
from pathlib import Path

from bench.common import (
    LATENCY_BUDGET,
    MAX_ROUNDS,
    MIN_ROUNDS,
    MIN_ROUNDS_SLOW,
    PAGES,
    Context,
    Page,
    clients,
    fetch,
    manage,
    percentile,
    prepare,
    setup_django,
    time_few,
    url_for,
    warm_and_capture,
)
from bench.export import measure_export
from bench.plans import heaviest_queries, index_plans


def latencies(pages: list[tuple[Page, str]], by_user: dict) -> tuple[dict, int]:
    """Shuffled rounds of one request per page and per peer, so that noise from other work on
    the machine falls on a page and its peer alike. Milliseconds per page, and the rounds."""
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

    for _ in range(2):  # warm-up: template loading, connections
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


def measure_pages(ctx: Context, by_user: dict) -> dict:
    """Queries, bytes and latency of every page and of its peer, each rendered per request."""
    phase: dict = {"pages": {}, "queries": []}
    measured: list[tuple[Page, str]] = []
    for page in PAGES:
        url = url_for(page, ctx)
        row: dict = {**asdict(page), "url": url}
        phase["pages"][page.key] = row
        client = by_user[page.user]
        status, size, queries = warm_and_capture(client, page, url, ctx)
        row.update(status=status, bytes=size, queries=len(queries), sql=queries)
        if status != 200:
            raise SystemExit(f"bench: {page.label} ({url}) answered {status}, not 200")
        phase["queries"] += [{**q, "page": page.label} for q in queries]
        if page.heavy:
            row["latency_ms"] = time_few(client, url)
        else:
            measured.append((page, url))
        print(f"  {page.label}: {len(queries)} queries, {size:,} bytes")
    print("bench: latency", flush=True)
    load_before = os.getloadavg()[0]
    samples, rounds = latencies(measured, by_user)
    phase["rounds"] = rounds
    phase["load"] = [load_before, os.getloadavg()[0]]
    for key, values in samples.items():
        phase["pages"][key]["latency_ms"] = {
            "median": statistics.median(values),
            "p95": percentile(values, 0.95),
            "samples": len(values),
        }
    return phase


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
    print("bench: pages and their peers, rendered on every request", flush=True)
    phase = measure_pages(ctx, by_user)
    print("bench: export", flush=True)
    export, export_queries = measure_export(ctx, by_user, n)
    queries = phase.pop("queries") + export_queries
    result.update(phase, export=export)
    result["heaviest"] = heaviest_queries(queries, vendor, args.plans)
    result["index_plans"] = index_plans(result["pages"], vendor)
    Path(args.out).write_text(json.dumps(result, indent=1, default=str))
    print(f"bench: wrote {args.out}")
    return 0
