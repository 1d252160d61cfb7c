"""Account timing benchmark: do password reset and sign-up take the same time
whether or not the address has an account?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpt \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
    .venv/bin/python bench/account_timing.py --resets 300 --signups 40

Production-like settings (bench/_common.py: DEBUG off, the real password
hasher), on the database and broker named in the environment; run
`manage.py migrate` first. Each request goes through the whole Django stack
(the test client: middleware, view, form, service, templates) and is timed
from the POST to its response; the known and unknown requests are interleaved
in a shuffled order, so a change in the machine's load hits both alike.

Printed: median and p95 per case, the difference of the medians, and the load
average. The rate limits are switched off for the run (each case posts one
address many times). Mail goes to the outbox and its delivery task to a queue
of this run's own, both removed afterwards with the accounts made.
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid

import _common
from _common import percentile

RUN = uuid.uuid4().hex[:8]
QUEUE = f"bench-account-timing-{RUN}"


def setup():
    _common.production_like_settings()
    os.environ["MPT_RATE_LIMITS_ON"] = "0"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("Set CELERY_BROKER_URL: without a broker the reset mail is sent in the request, as in development.")
    import django

    django.setup()


def timed(client, path, data):
    started = time.perf_counter()
    response = client.post(path, data)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, (path, response.status_code)
    return elapsed


def run_pairs(count, cases):
    """Time each case `count` times, the cases in a new random order each round."""
    results = {name: [] for name in cases}
    for _ in range(count):
        names = list(cases)
        random.shuffle(names)
        for name in names:
            results[name].append(cases[name]())
    return results


def report(title, results):
    print(title)
    medians = {}
    for name, values in results.items():
        medians[name] = statistics.median(values)
        p95 = percentile(values, 0.95)
        print(f"  {name:<28} n={len(values):<4} median {medians[name]:7.2f} ms   p95 {p95:7.2f} ms")
    (a, ma), (b, mb) = medians.items()
    print(f"  difference of medians ({b} - {a}): {mb - ma:+.2f} ms ({(mb - ma) / ma * 100:+.1f} %)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resets", type=int, default=300, help="password resets per case")
    parser.add_argument("--signups", type=int, default=40, help="sign-ups per case (each hashes a password)")
    options = parser.parse_args()
    setup()

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from mpt.celery import app
    from notifications.models import OutboundEmail

    known = f"bench-known-{RUN}@example.org"
    first_mail = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    User.objects.create(email=known, full_name="Bench Known", password=make_password("bench-password-1"),
                        is_active=True, email_verified_at="2026-01-01T00:00Z")
    reset_path, signup_path = reverse("accounts:password-reset"), reverse("accounts:signup")
    counter = iter(range(10**9))
    password = "a-quiet-harbour-42"  # noqa: S105 - a throwaway account's

    def reset(email):
        return lambda: timed(Client(), reset_path, {"email": email})

    def signup(email_of):
        return lambda: timed(Client(), signup_path, {
            "full_name": "Bench Person", "email": email_of(), "password1": password, "password2": password,
        })

    try:
        print(f"hasher {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}, database "
              f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, load before {os.getloadavg()}")
        run_pairs(5, {"known": reset(known), "unknown": reset(f"bench-nobody-{RUN}@example.org")})  # warm-up
        resets = run_pairs(options.resets, {
            "reset, address unknown": reset(f"bench-nobody-{RUN}@example.org"),
            "reset, address known": reset(known),
        })
        report("Password reset (POST /accounts/password/reset/)", resets)
        signups = run_pairs(options.signups, {
            "sign-up, new address": signup(lambda: f"bench-new-{RUN}-{next(counter)}@example.org"),
            "sign-up, existing address": signup(lambda: known),
        })
        report("Sign-up (POST /accounts/signup/)", signups)
        print(f"load after {os.getloadavg()}")
    finally:
        OutboundEmail.objects.filter(pk__gt=first_mail, recipient__email__contains=RUN).delete()
        User.objects.filter(email__startswith="bench-", email__contains=RUN).delete()
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            channel.queue_purge(QUEUE)
            channel.queue_delete(QUEUE)


if __name__ == "__main__":
    main()
