#!/usr/bin/env python
"""How long the lecturer's link takes to accept a time, and the staff page to draw, as data grows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpt_lect \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/8 \
    .venv/bin/python bench/lecturers.py [--invitations 300] [--runs 30]

It creates a throwaway test database (test_<name>, dropped afterwards), makes
`--invitations` invitations across a dozen disciplines (a third of them
accepted, so the timetable holds their sessions), then times with Django's test
client: POSTing "accept" on fresh invitations' links (the clash check, the
session and its bookings, the state change and two queued mails, in one
request), and GETting /staff/lecturers/ and /lecturers/. It prints the median,
the 95th percentile and the queries per request. Targets: accept under 150 ms,
the pages under 100 ms, on PostgreSQL. The figures include the test client's
own overhead, so they are an upper bound.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpt.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def p95(values):
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def ms(seconds):
    return f"{seconds * 1000:7.2f} ms"


def build(n, runs):
    from lecturers import services
    from lecturers.tests.factories import (
        DisciplineFactory,
        GuestLecturerFactory,
        make_offering,
        slot,
        staff_user,
    )

    staff = staff_user()
    disciplines = [DisciplineFactory(name=f"Bench discipline {i}") for i in range(12)]
    offerings = [make_offering(students=3) for _ in range(10)]
    fresh = []
    base = datetime.date.today() + datetime.timedelta(days=14)
    for i in range(n + runs):
        lecturer = GuestLecturerFactory(disciplines=[disciplines[i % 12], disciplines[(i * 5) % 12]])
        # Each invitation gets its own day, so accepting never clashes (the clash path is tested elsewhere).
        day = base + datetime.timedelta(days=i)
        invitation = services.invitation_create(
            lecturer=lecturer, offering=offerings[i % len(offerings)], topic=f"Bench topic {i}", host=staff,
            slots=[slot(day, 17, 18, room=None, online_url="https://meet.example.net/bench")], by=staff, send=True,
        )
        if i >= n:
            fresh.append(invitation)
        elif i % 3 == 0:
            services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=services.VIA_LINK)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return staff, fresh


def timed(client, method, url, data=None):
    reset_queries()  # the log holds 9000 at most; start each request from empty
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        response = getattr(client, method)(url, data or {})
        took = time.perf_counter() - began
    assert response.status_code in (200, 302), (url, response.status_code)
    return took, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invitations", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    # Django empties the query log when each request starts; keep it so the count is per request.
    request_started.disconnect(reset_queries)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from lecturers.tokens import make_token

        began = time.perf_counter()
        staff, fresh = build(args.invitations, args.runs)
        print(f"{connection.vendor}: {args.invitations} invitations built in {time.perf_counter() - began:.1f} s")
        client = Client()
        rows = []
        accepts = []
        for invitation in fresh:
            url = f"/lecturers/invitation/{make_token(invitation)}/"
            accepts.append(timed(client, "post", url, {"action": "accept", "slot": invitation.slots.get().pk}))
        rows.append(("accept a time through the link", accepts))
        rows.append(("GET /lecturers/ (public directory)",
                     [timed(client, "get", "/lecturers/") for _ in range(args.runs)]))
        client.force_login(staff)
        rows.append(("GET /staff/lecturers/", [timed(client, "get", "/staff/lecturers/") for _ in range(args.runs)]))
        for label, results in rows:
            times = [t for t, _ in results]
            queries = sorted({q for _, q in results})
            print(f"{label:40} median {ms(statistics.median(times))}  p95 {ms(p95(times))}  queries {queries}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
