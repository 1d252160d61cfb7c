"""Timetable benchmark: 20,000 sessions across 50 rooms.

Reports the p95 server time of saving a session (the clash check and the
booking rows included, through `timetable.services.session_create`), of a
refused save (a clash), and of the public and staff week views over weeks of
about 500 sessions, plus each view's query count. Target: under 50 ms on
PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpt_tt DJANGO_DEBUG=1 \
        .venv/bin/python bench/timetable.py [--sessions 20000] [--rooms 50] [--runs 200]

It creates and then drops its own test database (test_<name>), so it never
touches the data of the database named in DATABASE_URL.
"""

import argparse
import datetime
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpt.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

LONDON = ZoneInfo("Europe/London")
SLOTS = [9, 10, 11, 12, 13, 14, 15, 16]  # hour starts of one-hour sessions


def p95(values):
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def ms(seconds):
    return f"{seconds * 1000:7.2f} ms"


def build(n_sessions, n_rooms, rng):
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from curriculum.tests.factories import CohortFactory, ModuleOfferingFactory
    from timetable.models import Booking, Room, Session

    weeks = max(1, round(n_sessions / (n_rooms * len(SLOTS) * 5) * 4))  # about a quarter of slots taken
    offerings = [ModuleOfferingFactory() for _ in range(20)]
    rooms = Room.objects.bulk_create(
        Room(name=f"R{i:03d}", slug=f"r{i:03d}", building="Bench House", capacity=rng.choice([20, 40, 120]))
        for i in range(n_rooms)
    )
    staff = [UserFactory(roles=[Role.STAFF]) for _ in range(n_rooms * 2)]
    cohorts = [CohortFactory() for _ in range(n_rooms)]
    first_monday = offerings[0].term.starts_on - datetime.timedelta(days=offerings[0].term.starts_on.weekday())
    slots = [(w, d, h, r) for w in range(weeks) for d in range(5) for h in SLOTS for r in range(n_rooms)]
    chosen = rng.sample(slots, n_sessions)
    sessions, plans = [], []
    for week, day, hour, room_index in chosen:
        date = first_monday + datetime.timedelta(weeks=week, days=day)
        start = datetime.datetime.combine(date, datetime.time(hour), tzinfo=LONDON)
        sessions.append(Session(offering=rng.choice(offerings), kind="lecture", starts_at=start,
                                ends_at=start + datetime.timedelta(hours=1), room=rooms[room_index]))
        # Distinct rooms at one time get distinct staff and cohorts, so the data has no clash.
        plans.append((staff[room_index * 2 + week % 2], cohorts[room_index]))
    sessions = Session.objects.bulk_create(sessions, batch_size=2000)
    teachers = Session.teachers.through
    cohort_links = Session.cohorts.through
    teachers.objects.bulk_create(
        [teachers(session_id=s.pk, user_id=t.pk) for s, (t, _) in zip(sessions, plans, strict=True)],
        batch_size=5000)
    cohort_links.objects.bulk_create(
        [cohort_links(session_id=s.pk, cohort_id=c.pk) for s, (_, c) in zip(sessions, plans, strict=True)],
        batch_size=5000)
    bookings = []
    for s, (t, c) in zip(sessions, plans, strict=True):
        for kind, pk, label in (("room", s.room_id, "Room"), ("staff", t.pk, "Staff"), ("cohort", c.pk, "Cohort")):
            bookings.append(Booking(session=s, resource_kind=kind, resource_id=pk, resource_label=label,
                                    starts_at=s.starts_at, ends_at=s.ends_at))
    Booking.objects.bulk_create(bookings, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a real database
    return {"offerings": offerings, "rooms": rooms, "staff": staff, "cohorts": cohorts,
            "first_monday": first_monday, "weeks": weeks, "taken": set(chosen)}


def bench_saves(data, runs, rng):
    from core.access import SYSTEM
    from timetable import services
    from timetable.clashes import ClashError

    saved, refused, cpu = [], [], []
    while len(saved) < runs or len(refused) < runs:
        week = rng.randrange(data["weeks"])
        day, hour, room_index = rng.randrange(5), rng.choice(SLOTS), rng.randrange(len(data["rooms"]))
        date = data["first_monday"] + datetime.timedelta(weeks=week, days=day)
        start = datetime.datetime.combine(date, datetime.time(hour), tzinfo=LONDON)
        clash = (week, day, hour, room_index) in data["taken"]
        if (clash and len(refused) >= runs) or (not clash and len(saved) >= runs):
            continue
        began, began_cpu = time.perf_counter(), time.process_time()
        try:
            services.session_create(
                offering=rng.choice(data["offerings"]), kind="seminar", starts_at=start,
                ends_at=start + datetime.timedelta(hours=1), room=data["rooms"][room_index], by=SYSTEM,
            )
            saved.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            data["taken"].add((week, day, hour, room_index))
        except ClashError:
            refused.append(time.perf_counter() - began)
    return saved, refused, cpu


def bench_view(client, url, params_list):
    times, cpu, queries, sizes = [], [], set(), []
    for params in params_list:
        with CaptureQueriesContext(connection) as captured:
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        assert response.status_code == 200, response.status_code
        queries.add(len(captured.captured_queries))
        sizes.append(response.context["session_count"] if response.context else 0)
    return (times, cpu), queries, sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20000)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    setup_test_environment()
    # Fast hashing for the hundred staff accounts the data needs (not what is measured).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from accounts.tests.factories import UserFactory
        from timetable.timezones import iso_week

        print(f"database: {connection.vendor}; building {args.sessions} sessions in {args.rooms} rooms…")
        began = time.perf_counter()
        data = build(args.sessions, args.rooms, rng)
        print(f"built in {time.perf_counter() - began:.1f} s over {data['weeks']} weeks "
              f"(about {args.sessions // data['weeks']} sessions a week)")
        # A server process has long-lived objects frozen out of the collector's way; so do we,
        # or the build's garbage is collected in the middle of the first measurements.
        gc.collect()
        gc.freeze()

        load_before = os.getloadavg()[0]
        saved, refused, saved_cpu = bench_saves(data, args.runs, rng)
        weeks = [iso_week(data["first_monday"] + datetime.timedelta(weeks=rng.randrange(data["weeks"])))
                 for _ in range(args.runs)]
        client = Client()
        client.get("/timetable/", {"week": weeks[0]})  # warm the template cache
        public, public_q, sizes = bench_view(client, "/timetable/", [{"week": w} for w in weeks])
        public_list, list_q, _ = bench_view(client, "/timetable/", [{"week": w, "view": "list"} for w in weeks])
        staff_client = Client()
        staff_client.force_login(UserFactory(superuser=True))
        staff, staff_q, _ = bench_view(staff_client, "/staff/timetable/", [{"week": w} for w in weeks])

        cached = [m for m in settings.MIDDLEWARE if "CacheMiddleware" in m]
        print()
        print(f"load average when measuring began: {load_before:.1f} on {os.cpu_count()} CPUs")
        print("page cache: " + (", ".join(cached) if cached else "none (every request builds its page)"))
        print("wall = elapsed time; cpu = this process's CPU time (Python and the driver, not Postgres),")
        print("which a busy machine inflates far less than wall time.")
        print(f"{'measure':44} {'p50 wall':>10} {'p95 wall':>10} {'p95 cpu':>10}   queries")
        rows = [
            ("save a session (clash check, bookings)", (saved, saved_cpu), "-"),
            ("refuse a clashing session", (refused, None), "-"),
            (f"public week view, grid+list (~{int(statistics.mean(sizes))} sessions)", public, public_q),
            ("public week view, list only", public_list, list_q),
            ("staff week grid by room", staff, staff_q),
        ]
        for label, (values, cpu), queries in rows:
            q = ",".join(str(x) for x in sorted(queries)) if queries != "-" else "-"
            cpu_p95 = ms(p95(cpu)) if cpu else "-"
            print(f"{label:44} {ms(statistics.median(values)):>10} {ms(p95(values)):>10} {cpu_p95:>10}   {q}")
        worst = max(p95(saved), p95(public[0]), p95(public_list[0]), p95(staff[0]))
        worst_cpu = max(p95(saved_cpu), p95(public[1]), p95(public_list[1]), p95(staff[1]))
        print(f"\nworst p95 {worst * 1000:.1f} ms wall, {worst_cpu * 1000:.1f} ms cpu: "
              f"{'under' if worst < 0.05 else 'OVER'} the 50 ms target in wall time "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
