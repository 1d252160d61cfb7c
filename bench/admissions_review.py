"""Benchmark the review phase: 10,000 applications, 40 reviewers, 30,000 reviews.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpt_review .venv/bin/python bench/admissions_review.py
    .venv/bin/python bench/admissions_review.py --applications 2000 --requests 50

It creates a throwaway test database (test_<name>), loads the applications in
bulk, times the automatic assignment (10,000 applications to 40 reviewers, k=3,
with the state changes, their history rows and the digest mails), writes
30,000 reviews, then times the admin list and the reviewer queue through
Django's test client (the whole server side: middleware, view, queries,
template) and counts their queries on two pages, prints the figures and drops
the database.

Targets: assignment under 10 s; list and queue under 150 ms per page (p95) on
Postgres, in a constant number of queries.
"""

import argparse
import os
import random
import statistics
import time

import _common

_common.production_like_settings()

import django  # noqa: E402 - after the settings above


def load(n_apps, n_reviewers, rng):
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from admissions.models import Application, PrivacyNotice, Referee, RubricCriterion
    from admissions.services import setup_for
    from admissions.tests.factories import IntakeFactory

    now = timezone.now()
    notice = PrivacyNotice.objects.create(version="bench", body="Bench.")
    intake = IntakeFactory(capacity=300)
    setup = setup_for(intake)
    setup.reviewers_per_application = 3
    setup.save()
    for n, name in enumerate(["Coding ability", "Motivation", "Communication", "Fit with the cohort"], start=1):
        RubricCriterion.objects.create(intake=intake, order=n, name=name, scale_max=5,
                                       weight=Decimal("2" if n == 1 else "1"))
    admin = User.objects.create(email="bench-admin@example.org", full_name="Bench Admin")
    admin.groups.add(Group.objects.get(name=Role.ADMISSIONS_ADMIN))
    reviewers = User.objects.bulk_create(
        [User(email=f"reviewer{i}@example.org", full_name=f"Reviewer {i:02d}") for i in range(n_reviewers)]
    )
    Group.objects.get(name=Role.REVIEWER).user_set.add(*reviewers)
    applicants = User.objects.bulk_create(
        [User(email=f"applicant{i}@example.org", full_name=f"Applicant {i:05d}") for i in range(n_apps)],
        batch_size=2000,
    )
    apps = Application.objects.bulk_create(
        [
            Application(
                intake=intake, applicant=user, state=Application.State.SUBMITTED, legal_name=user.full_name,
                submitted_at=now, privacy_notice=notice, privacy_consented_at=now, declaration_accepted_at=now,
                personal_statement="I want to build public services that work.",
            )
            for user in applicants
        ],
        batch_size=2000,
    )
    Application.history.bulk_history_create(apps, batch_size=2000)
    # Referees; one in fifty applicants names a reviewer, who must then not review them.
    Referee.objects.bulk_create(
        [
            Referee(application=app, order=order, name="Dr Alex Morgan", relationship="Manager",
                    email=(rng.choice(reviewers).email if order == 1 and rng.random() < 0.02
                           else f"ref{order}.{app.pk}@example.net"))
            for app in apps for order in (1, 2)
        ],
        batch_size=5000,
    )
    return intake, admin, reviewers


def write_reviews(intake, rng):
    from decimal import Decimal

    from django.utils import timezone

    from admissions.models import Review, ReviewAssignment, ReviewScore
    from admissions.services import summaries_refresh, weighted_score

    criteria = list(intake.rubric.all())
    now = timezone.now()
    reviews, values = [], []
    for app_id, reviewer_id in ReviewAssignment.objects.filter(application__intake=intake).values_list(
        "application_id", "reviewer_id"
    ):
        marks = {c.pk: rng.randint(1, 5) for c in criteria}
        reviews.append(Review(application_id=app_id, reviewer_id=reviewer_id, recommendation="offer",
                              score=weighted_score(criteria, marks), submitted_at=now, updated_at=now,
                              comment="Bench."))
        values.append(marks)
    created = Review.objects.bulk_create(reviews, batch_size=5000)
    ReviewScore.objects.bulk_create(
        [ReviewScore(review=r, criterion_id=cid, value=v) for r, marks in zip(created, values, strict=True)
         for cid, v in marks.items()],
        batch_size=10000,
    )
    summaries_refresh(ReviewAssignment.objects.filter(application__intake=intake).values_list(
        "application_id", flat=True).distinct())
    assert all(r.score <= Decimal(10) for r in created[:10])
    return len(created)


def analyze(connection):
    """What autovacuum does after a bulk load: fresh planner statistics."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(client, url, n):
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def report(label, times):
    times = sorted(times)
    median = statistics.median(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"  {label:<58} median {median:7.1f} ms   p95 {p95:7.1f} ms   (n={len(times)})")
    return median, p95


def queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context.captured_queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10000)
    parser.add_argument("--reviewers", type=int, default=40)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    args = parser.parse_args()

    django.setup()
    from django.conf import settings

    settings.MPT_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # digests stay quiet
    from django.db import connection
    from django.test import Client

    from admissions.models import Review, ReviewAssignment
    from admissions.services import assignment_run
    from notifications.models import OutboundEmail

    rng = random.Random(8)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        intake, admin, reviewers = load(args.applications, args.reviewers, rng)
        print(f"Load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"Loaded {args.applications} applications and {args.reviewers} reviewers on {connection.vendor} "
              f"in {time.perf_counter() - started:.1f} s")

        analyze(connection)
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            plan = profile.runcall(assignment_run, intake=intake, by=admin)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        else:
            plan = assignment_run(intake=intake, by=admin)
        assign_s = time.perf_counter() - started
        loads = sorted(plan.loads.values())
        print(f"Assignment: {len(plan.pairs)} assignments (k=3) in {assign_s:.2f} s; loads {loads[0]}..{loads[-1]}; "
              f"{len(plan.short)} short; {OutboundEmail.objects.filter(purpose='admissions.review_digest').count()} "
              f"digest mails")
        print(f"  target under 10 s: {'met' if assign_s < 10 else 'NOT met'}")

        started = time.perf_counter()
        count = write_reviews(intake, rng)
        print(f"Wrote {count} reviews (+{count * 4} scores, summaries) in {time.perf_counter() - started:.1f} s; "
              f"{Review.objects.count()} reviews, {ReviewAssignment.objects.count()} assignments in the database")

        if os.environ.get("BENCH_EXPLAIN"):
            from admissions.forms import ApplicationFilter
            from admissions.selectors import admin_applications, reviewer_queue

            for params in ({}, {"sort": "-median"}):
                qs = ApplicationFilter(params, queryset=admin_applications()).sorted_queryset()
                print(qs[1950:2000].explain(analyze=True))
            print(reviewer_queue(reviewers[5], "todo")[:50].explain(analyze=True))
        analyze(connection)
        client = Client()
        client.force_login(admin)
        base = "/admissions/"
        pages = {
            "admin list, page 1 (newest first)": f"{base}",
            "admin list, intake, sorted by mean": f"{base}?intake={intake.pk}&sort=-mean",
            "admin list, sorted by median, page 40": f"{base}?sort=-median&page=40",
            "admin list, score 6-9 + reviewer + disagreement": (
                f"{base}?score_min=6&score_max=9&reviewer={reviewers[3].pk}&flags=disagreement&sort=-spread"),
            "admin list, no decision + missing reviews": f"{base}?flags=no_decision&flags=missing_reviews",
        }
        results = {}
        client.get(base)  # warm up
        print("Server time per page (Django test client: middleware, view, queries, template):")
        for label, url in pages.items():
            results[label] = report(label, timed(client, url, args.requests))
        print(f"  queries: admin list page 1 = {queries(client, base)}, page 40 = "
              f"{queries(client, base + '?sort=-median&page=40')}")

        reviewer = reviewers[5]
        client.force_login(reviewer)
        client.get("/review/")
        for label, url in {
            "reviewer queue, to review (page 1)": "/review/",
            "reviewer queue, all, page 10": "/review/?show=all&page=10",
        }.items():
            results[label] = report(label, timed(client, url, args.requests))
        print(f"  queries: reviewer queue page 1 = {queries(client, '/review/?show=all')}, page 10 = "
              f"{queries(client, '/review/?show=all&page=10')}")
        worst = max(p95 for _median, p95 in results.values())
        print(f"Target: every page under 150 ms p95 (worst p95 {worst:.1f} ms): "
              f"{'met' if worst < 150 else 'NOT met'}"
              f"{'' if connection.vendor == 'postgresql' else ' (this run is not on Postgres)'}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
