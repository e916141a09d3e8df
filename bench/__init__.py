"""The benchmark harness: `make bench` runs bench/run.py and writes docs/performance.md."""
