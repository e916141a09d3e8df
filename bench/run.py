#!/usr/bin/env python
"""The benchmark behind `make bench`: writes docs/performance.md.

    .venv/bin/python bench/run.py                     # everything (what `make bench` runs)
    .venv/bin/python bench/run.py --sizes 10000 --backends sqlite     # a quick look
    .venv/bin/python bench/run.py --sizes 10000,100000 report         # rewrite the doc from
                                                                      # bench-results/

For each backend (SQLite; PostgreSQL through scripts/with-postgres.sh, skipped with a note when
no server can be had) and each size N, a child process (`run.py measure`) migrates a fresh
database, builds bench data with `generate_bench_data --students N`, and measures in-process
through Django's test Client with DEBUG off:

- queries per request of every page (bench/common.py), which must not change with N;
- median and 95th-percentile latency of each page and of its peer (bench/peers.py: a vanilla
  ModelAdmin for each changelist, a plain view with a bare template for each public page),
  over many requests made in shuffled order; each page is reported as a ratio to its peer;
- the CSV export of all enrollments: wall time against the sqlite3 command-line tool (or psql's
  \\copy) exporting the same columns in the same order, and peak memory in a fresh process;
- the SQL of the enrollment changelist (does it COUNT every row?) and the query plans of the
  heaviest queries.

Each child writes bench-results/<backend>-<N>.json; the parent writes the doc from them.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BACKENDS, DOC, PY, RESULTS, ROOT, SIZES

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
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "sqlite3"]):
            subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, env=env)
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
            child = [
                PY,
                str(ROOT / "bench" / "run.py"),
                "measure",
                "--students",
                str(n),
                "--out",
                str(out),
            ]
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


def sizes_list(value: str) -> list[int]:
    """`10000,100000`: one argument, so that a command after it is not read as a size."""
    try:
        sizes = [int(part) for part in value.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r}: give the sizes as whole numbers separated by commas, e.g. 10000,100000"
        ) from None
    if any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError(f"{value!r}: every size must be at least 1")
    return sizes


def backends_list(value: str) -> list[str]:
    """`sqlite,postgresql`, one argument for the same reason as sizes_list."""
    backends = value.split(",")
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"{', '.join(unknown)}: not a backend (choose from {', '.join(BACKENDS)})"
        )
    return backends


def build_parser() -> argparse.ArgumentParser:
    """The parent's options, then an optional command (measure, export-memory, report).

    --sizes and --backends take one comma-separated argument each: with nargs="+" argparse
    read `--sizes 10000 report` as two sizes and failed on "report".
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=sizes_list, default=SIZES, help="e.g. 10000,100000 (the default)"
    )
    parser.add_argument(
        "--backends", type=backends_list, default=BACKENDS, help="e.g. sqlite,postgresql"
    )
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
    sub.add_parser("report", help="Rewrite docs/performance.md from bench-results/.")
    return parser


def main() -> int:
    args = build_parser().parse_args()
    if args.command == "measure":
        from bench.measure import measure

        return measure(args)
    if args.command == "export-memory":
        from bench.export import measure_export_memory

        return measure_export_memory(args)
    if args.command == "report":
        write_doc(args.sizes, args.backends)
        return 0
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
