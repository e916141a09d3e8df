"""Bench data (bench/run.py, docs/performance.md), built with the rules of the services.

The small tables (programmes, intakes, funding) are checked row by row with the services'
validators; the two large ones (students, enrollments) go in with bulk inserts whose values come
from the same functions the services use (seat and funded-place checks, waitlist positions,
offer deadlines, the lifecycle's dates). manage.py generate_bench_data is the way in.
"""
