#!/usr/bin/env python
"""How long each step of the application takes to save, in server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpt_adm \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/6 \
    .venv/bin/python bench/admissions_steps.py [--rounds 50]

It creates a throwaway test database (test_<name>, dropped afterwards), signs
an applicant in, and POSTs every step through the full middleware stack with
Django's test client, `--rounds` times, as a person would (each save carries the
version it was opened at). The target is under 100 ms per step on PostgreSQL.
The figures include the test client's own overhead, so they are an upper bound.
With a broker set, submitting only queues its three mails (to a queue of the
bench's own, emptied afterwards, with no worker reading it): nothing is sent in
the request. Settings are production-like: DEBUG off. The first applicant goes
through every step untimed (a warm server process).
"""

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from _common import percentile, production_like_settings

production_like_settings()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import reverse  # noqa: E402

STEPS = {
    "personal": {"legal_name": "Sam Lee", "phone": "+44 7700 900123", "country_of_residence": "United Kingdom",
                 "accessibility_needs": "Captions on recorded lectures"},
    "education": {"highest_qualification": "BSc (Hons), 2:1", "qualification_subject": "Computer Science",
                  "institution": "University of Leeds", "qualification_year": "2018",
                  "current_role": "Developer", "employer": "Leeds City Council",
                  "work_history": "Six years of case-management tools. " * 10},
    "coding": {"language_1": "Python", "level_1": "expert", "language_2": "SQL", "level_2": "proficient",
               "years_coding": "8", "code_links": "https://github.com/samlee\nhttps://samlee.dev",
               "built_something": "A repairs tracker tenants use from their phones. " * 20},
    "statement": {"personal_statement": "I want to build public services that work for everyone. " * 60},
    "questions": {},
    "referees": {"referee_1_name": "Dr Alex Morgan", "referee_1_relationship": "Manager",
                 "referee_1_email": "alex@example.net", "referee_2_name": "Jamie Patel",
                 "referee_2_relationship": "Colleague", "referee_2_email": "jamie@example.net"},
}


def run(rounds):
    from accounts.tests.factories import UserFactory
    from admissions.models import Application, IntakeQuestion
    from admissions.tests.factories import IntakeFactory, IntakeQuestionFactory, PrivacyNoticeFactory, pdf_bytes

    PrivacyNoticeFactory()
    intake = IntakeFactory(required_documents=["cv"])
    question = IntakeQuestionFactory(intake=intake, kind=IntakeQuestion.Kind.LONG_TEXT, label="Why?", word_limit=150)
    STEPS["questions"] = {f"q{question.pk}": "Because public services matter. " * 10}
    pdf = pdf_bytes(pages=20, text_size=200_000)
    names = [*STEPS, "documents (upload)", "submit"]
    timings = {name: [] for name in names}
    cpu = {name: [] for name in names}
    queries = {}

    def timed(name, url, data):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.post(url, data)
            if not warming_up:
                timings[name].append((time.perf_counter() - started) * 1000)
                cpu[name].append((time.process_time() - started_cpu) * 1000)
        queries[name] = len(captured.captured_queries)
        assert response.status_code == 302, (name, response.status_code)

    # One applicant more than measured: the first goes through every step untimed, as a
    # server process that has already served a request would (imports, template loading).
    for round_number in range(rounds + 1):
        warming_up = round_number == 0
        client = Client()
        user = UserFactory()
        client.force_login(user)
        client.post(reverse("admissions:application-start", args=[intake.slug]))
        application = Application.objects.get(applicant=user)
        for step, data in STEPS.items():
            version = Application.objects.values_list("version", flat=True).get(pk=application.pk)
            url = reverse("admissions:application-step", args=[application.pk, step])
            timed(step, url, {**data, "version": version})
        upload = SimpleUploadedFile("cv.pdf", pdf, content_type="application/pdf")
        timed("documents (upload)", reverse("admissions:document-upload", args=[application.pk]),
              {"slot": "cv", "cv-file": upload})
        timed("submit", reverse("admissions:application-submit", args=[application.pk]),
              {"declaration": "on", "privacy": "on", "notice_version": "2026-1"})
    return timings, cpu, queries, len(pdf)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    from mpt.celery import app
    from notifications.delivery import OUTBOX_BACKEND

    setup_test_environment()
    # setup_test_environment swaps in the locmem mail backend, which delivers inside the
    # request; the outbox backend hands mail to the broker as production does.
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    queue = f"mpt-bench-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    settings.PRIVATE_STORAGE_ROOT = Path(tempfile.mkdtemp(prefix="mpt-bench-"))
    old = setup_databases(verbosity=0, interactive=False)
    try:
        timings, cpu, queries, pdf_size = run(args.rounds)
    finally:
        teardown_databases(old, verbosity=0)
        shutil.rmtree(settings.PRIVATE_STORAGE_ROOT, ignore_errors=True)
        if settings.CELERY_BROKER_URL:
            with app.connection_for_write() as conn:
                conn.default_channel.queue_purge(queue)
                conn.default_channel.queue_delete(queue)
    engine = connection.vendor
    broker = "broker " + ("set: mail queued" if settings.CELERY_BROKER_URL else "unset: eager (dev only)")
    print(f"Admissions step saves, {args.rounds} applicants, database {engine}, {broker}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time suffers on a busy machine)")
    print(f"{'step':<30}{'queries':>8}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}{'cpu ms':>8}")
    for name, values in timings.items():
        label = f"{name} ({pdf_size // 1024} KB)" if name.startswith("documents") else name
        print(f"{label:<30}{queries[name]:>8}{statistics.median(values):>10.1f}{percentile(values, 0.95):>10.1f}"
              f"{max(values):>10.1f}{statistics.median(cpu[name]):>8.1f}")
    worst = max(percentile(v, 0.95) for k, v in timings.items() if k in STEPS)
    print(f"slowest step p95: {worst:.1f} ms (target < 100 ms): {'OK' if worst < 100 else 'TOO SLOW'}")
    submit = percentile(timings["submit"], 0.95)
    print(f"submit p95: {submit:.1f} ms (lock, check every step, three mails queued; target < 100 ms): "
          f"{'OK' if submit < 100 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
