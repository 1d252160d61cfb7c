"""Benchmark the catalogue: 1,000 modules in 20 programmes; server time of the
search and the catalogue page (median and p95).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpt .venv/bin/python bench/catalogue.py
    .venv/bin/python bench/catalogue.py --modules 1000 --programmes 20 --requests 200

It creates a throwaway test database (test_<name>), loads the data, times
requests through Django's test client (the whole server side: middleware,
view, queries, template), prints the figures and drops the database. Times are
measured with the catalogue cache off (every request does the work) and on.
Target: the search answers in under 50 ms (median and p95) on Postgres.

Wall time is what a visitor waits for; on a busy machine it includes waiting
for a CPU. "Python CPU" is the CPU this process spent (database time not
included), which does not grow with other load: compare `uptime` before
trusting a wall-clock figure.
"""

import argparse
import os
import random
import statistics
import time

import _common

_common.production_like_settings()

import django  # noqa: E402 - after the settings above

WORDS = [
    "privacy", "data", "service", "public", "government", "council", "charity", "campaign", "design",
    "research", "method", "statistics", "significance", "user", "experience", "accessibility", "evidence",
    "policy", "budget", "procurement", "open", "civic", "tool", "platform", "security", "consent", "analysis",
    "interview", "survey", "experiment", "impact", "evaluation", "decision", "briefing", "game", "play",
    "engagement", "community", "volunteer", "health", "transport", "housing", "education", "election",
    "parliament", "café", "résumé", "naïve", "rôle", "façade", "coöperation",
]
SEARCHES = ["privacy", "statistical significance", "user experience", "cafe", "council budget", "open data",
            "evaluation", "game", "parliament election", "nothing-matches-this"]


SYLLABLES = [
    "ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "do", "pa", "fe", "gu", "ho", "ji", "ly", "mo", "nu",
    "ri", "so", "tu",
]
# Filler words, so that a topic word appears in some modules, not in nearly all of them.
FILLER = sorted({a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES[:6]})


def sentence(rng, n, topic_share=0.04):
    words = (rng.choice(WORDS) if rng.random() < topic_share else rng.choice(FILLER) for _ in range(n))
    return " ".join(words).capitalize() + "."


def load(n_modules, n_programmes, rng):
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from curriculum.models import (
        AssessmentComponent,
        LearningOutcome,
        Module,
        Programme,
        ProgrammeModule,
        PublicationStatus,
        Season,
        Theme,
    )
    from curriculum.search import refresh_search_vectors

    leaders = [UserFactory(roles=[Role.STAFF]) for _ in range(20)]
    themes = [Theme.objects.create(name=f"Theme {i}", slug=f"theme-{i}") for i in range(12)]
    modules = Module.objects.bulk_create(
        Module(code=f"B{i:05d}", slug=f"bench-module-{i}", title=sentence(rng, 4, 0.3), summary=sentence(rng, 25, 0.1),
               description="\n\n".join(sentence(rng, 60) for _ in range(4)), credits=rng.choice([15, 15, 30, 60]),
               level=rng.choice([6, 7, 7]), leader=rng.choice(leaders), status=PublicationStatus.PUBLISHED)
        for i in range(n_modules)
    )
    LearningOutcome.objects.bulk_create(
        LearningOutcome(module=m, order=j, text=sentence(rng, 12)) for m in modules for j in range(3)
    )
    AssessmentComponent.objects.bulk_create(
        AssessmentComponent(module=m, order=j, title=f"Part {j}", kind="essay", weight=w)
        for m in modules for j, w in enumerate((60, 40))
    )
    Module.themes.through.objects.bulk_create(
        Module.themes.through(module_id=m.pk, theme_id=rng.choice(themes).pk) for m in modules
    )
    programmes = Programme.objects.bulk_create(
        Programme(title=f"Programme {i}", slug=f"programme-{i}", award="msc", total_credits=180,
                  duration="One year", summary=sentence(rng, 20), status=PublicationStatus.PUBLISHED, order=i)
        for i in range(n_programmes)
    )
    per_programme = max(1, n_modules // n_programmes)
    ProgrammeModule.objects.bulk_create(
        ProgrammeModule(programme=p, module=m, kind=rng.choice(["core", "optional"]),
                        season=rng.choice(list(Season.values)))
        for i, p in enumerate(programmes) for m in modules[i * per_programme:(i + 1) * per_programme]
    )
    refresh_search_vectors(Module.objects.all())


CPU = []  # this process's CPU time per request, alongside wall time


def timed(client, url, repeat):
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        CPU.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def report(name, times):
    times = sorted(times)
    cpu = sorted(CPU)
    CPU.clear()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"  {name:<38} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
          f"(Python CPU median {statistics.median(cpu):5.1f} ms; n={len(times)})")
    return statistics.median(times), p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--programmes", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per measurement")
    args = parser.parse_args()

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    rng = random.Random(7)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        load(args.modules, args.programmes, rng)
        print(f"Load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"Loaded {args.modules} modules in {args.programmes} programmes on {connection.vendor} "
              f"in {time.perf_counter() - started:.1f} s")
        client = Client()
        results = {}
        for label, seconds in (("cache off", 0), ("cache on", 600)):
            with override_settings(CURRICULUM_CACHE_SECONDS=seconds):
                print(f"{label}:")
                client.get("/modules/")  # warm up imports and connections
                CPU.clear()
                search = []
                per_query = max(1, args.requests // len(SEARCHES))
                for query in SEARCHES:
                    search += timed(client, f"/modules/?q={query}", per_query)
                results[label, "search"] = report("search /modules/?q=… (10 queries)", search)
                results[label, "catalogue"] = report("catalogue /modules/ (page 1)",
                                                     timed(client, "/modules/", args.requests))
                pages = []
                for page in range(1, 11):
                    pages += timed(client, f"/modules/?page={page}&level=7", max(1, args.requests // 10))
                report("catalogue, filtered, pages 1-10", pages)
                report("programme page", timed(client, "/programmes/programme-3/", args.requests))
                report("module page", timed(client, "/modules/bench-module-500/", args.requests))
        _median, p95 = results["cache off", "search"]
        target = "met" if p95 < 50 else "NOT met"
        print(f"Target: search under 50 ms on Postgres (uncached p95 {p95:.1f} ms): {target}"
              f"{'' if connection.vendor == 'postgresql' else ' (this run is not on Postgres)'}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
