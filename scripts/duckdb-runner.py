#!/usr/bin/env python3
"""Runs SQL queries in DuckDB for the differential tests of `hookwright sql`.

Reads one JSON object per line on stdin, {"sql": "..."}, runs it in a fresh
in-memory connection's cursor and answers one JSON line: {"ids": [...]}
(each id as DuckDB prints it) or {"error": "..."}. One process serves a
whole test run, so DuckDB is imported once.
"""
import json
import sys

import duckdb

con = duckdb.connect()
for line in sys.stdin:
    request = json.loads(line)
    try:
        rows = con.execute(request["sql"]).fetchall()
        out = {"ids": [None if r[0] is None else str(r[0]) for r in rows]}
    except Exception as e:  # noqa: BLE001 - every failure is reported to the test
        out = {"error": str(e).splitlines()[0]}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
