"""The plans of the heaviest queries, and of the queries each index was made for."""

from __future__ import annotations

import re


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
