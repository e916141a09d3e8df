"""Killed, survived and not yet checked mutants per module, from the last `make mutation`.

Reads mutmut's result files (mutants/**/*.meta) directly, so it also reports a run that is
still going or was stopped; `mutmut results` and `mutmut show NAME` give the details.
Usage: .venv/bin/python scripts/mutation_report.py [--survivors]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's exit codes (mutmut/stats.py): 1 and 3 a test failed, 0 every test passed,
# 33 and 5 no test runs that code, None not run yet, 36 and the SIGXCPU codes a timeout.
KILLED, SURVIVED, NO_TESTS, TIMEOUT = {1, 3}, {0}, {5, 33}, {-24, 24, 36, 152, 255}


def _kind(code: int | None) -> str:
    if code is None:
        return "not checked"
    for name, codes in (
        ("killed", KILLED),
        ("survived", SURVIVED),
        ("no tests", NO_TESTS),
        ("timeout", TIMEOUT),
    ):
        if code in codes:
            return name
    return "suspicious"


def main(argv: list[str]) -> int:
    metas = sorted(Path("mutants").glob("**/*.py.meta"))
    if not metas:
        print("No mutation run found: run `make mutation` first.")
        return 1
    totals: Counter[str] = Counter()
    survivors: list[str] = []
    print(f"{'module':38} {'mutants':>7} {'killed':>7} {'survived':>8} {'no tests':>8} {'todo':>6}")
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(_kind(code) for code in codes.values())
        totals.update(counts)
        module = str(meta.relative_to("mutants"))[: -len(".meta")]
        print(
            f"{module:38} {len(codes):7} {counts['killed'] + counts['timeout']:7} "
            f"{counts['survived']:8} {counts['no tests']:8} {counts['not checked']:6}"
        )
        survivors += [name for name, code in codes.items() if _kind(code) == "survived"]
    # A timeout counts as killed: the mutant made the code loop, and a test noticed.
    killed = totals["killed"] + totals["timeout"]
    checked = killed + totals["survived"] + totals["no tests"]
    score = f"{100 * killed / checked:.1f} %" if checked else "n/a"
    print(
        f"killed {killed} of {checked} checked ({score}); survived {totals['survived']}, "
        f"no tests {totals['no tests']}, not checked yet {totals['not checked']}"
    )
    if "--survivors" in argv:
        print("\n".join(sorted(survivors)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
