"""What the concurrency tests share: run the same work in n threads released together."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's IMMEDIATE transactions serialise the writers before they read",
)


def at_once(work: Callable[[], object], n: int = 2) -> list[object]:
    """work() in n threads released by one barrier; each result or exception, in the order
    they finished. Each thread closes its own database connection."""
    together = threading.Barrier(n, timeout=30)
    results: list[object] = []

    def run() -> None:
        try:
            together.wait()
            results.append(work())
        except Exception as error:  # a refusal is a result
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
