"""Login flood benchmark: does a flood of logins from one address slow other visitors' pages?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpt \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    .venv/bin/python bench/login_flood.py --seconds 15 --flooders 4 --port 8151

For the rate limit switched on and then off, it starts gunicorn with two sync
workers (production-like settings, bench/_common.py) on the database and cache
named in the environment; run `manage.py migrate` first. Then, for --seconds
each:

- quiet: one visitor from 127.0.0.3 fetches public pages one after another;
- flood: the same visitor, while --flooders clients from 127.0.0.2 post the
  right password for one account to /accounts/login/ as fast as they can
  (each post without a session cookie, so every one is a real login). With
  the limit on, the logins it allows come first (10 per account by default,
  each a full password hash); the visitor is timed from the first refusal,
  and how long the allowance took is printed apart.

Every loopback address reaches the server, so binding the clients' sockets to
two of them gives the server two client addresses. Printed per phase: the
visitor's median and p95 and requests per second, and what the flood got.
It stops by itself, stops its gunicorn, and deletes the account it made.
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import _common
from _common import percentile

ROOT = Path(__file__).resolve().parent.parent
RUN = uuid.uuid4().hex[:8]
PUBLIC_PAGES = ["/", "/programmes/", "/modules/", "/theses/", "/apply/", "/accounts/login/"]
VISITOR, FLOODER = "127.0.0.3", "127.0.0.2"
PASSWORD = "a-quiet-harbour-42"  # noqa: S105 - the throwaway account's


def request(port, source, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read()
    finally:
        connection.close()


def start_server(port, limits_on):
    env = {
        **os.environ,
        "MPT_RATE_LIMITS_ON": "1" if limits_on else "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(ROOT / ".venv/bin/gunicorn"), "mpt.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "120"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if request(port, VISITOR, "GET", "/")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer within 30 s")


def login_form(port):
    """A CSRF cookie and the form's token, reused by every flood post (no session cookie)."""
    _status, cookie, body = request(port, FLOODER, "GET", "/accounts/login/")
    secret = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return secret, token


def visit(port, stop, start, latencies):
    start.wait()
    n = 0
    while not stop.is_set():
        path = PUBLIC_PAGES[n % len(PUBLIC_PAGES)]
        started = time.perf_counter()
        status = request(port, VISITOR, "GET", path)[0]
        latencies.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
        n += 1


def flood(port, stop, engaged, statuses, email, secret, token):
    from urllib.parse import urlencode

    body = urlencode({"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={secret}"}
    while not stop.is_set():
        status = request(port, FLOODER, "POST", "/accounts/login/", body, headers)[0]
        statuses.append(status)
        if status == 429:
            engaged.set()


def phase(port, seconds, flooders, email, *, wait_for_limit=False):
    """Visitor figures for `seconds`; with wait_for_limit, counted from the flood's first refusal
    (the logins the limit allows come first: that is the price of the allowance, reported apart)."""
    stop, start, engaged, latencies, statuses = threading.Event(), threading.Event(), threading.Event(), [], []
    threads = [threading.Thread(target=visit, args=(port, stop, start, latencies))]
    if flooders:
        secret, token = login_form(port)
        threads += [threading.Thread(target=flood, args=(port, stop, engaged, statuses, email, secret, token))
                    for _ in range(flooders)]
    flood_started = time.monotonic()
    for thread in threads:
        thread.start()
    allowed = None
    if wait_for_limit:
        engaged.wait(timeout=120)
        allowed = (time.monotonic() - flood_started, statuses.count(302))
    start.set()
    before = len(statuses)
    started = time.monotonic()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return latencies, statuses[before:], elapsed, allowed


def describe(name, latencies, statuses, elapsed, allowed=None):
    if allowed:
        print(f"  (the limit engaged after {allowed[0]:.1f} s and {allowed[1]} logins; measured from then)")
    line = (f"  {name:<7} visitor: {len(latencies):5d} pages, {len(latencies) / elapsed:6.1f}/s, "
            f"median {statistics.median(latencies):7.1f} ms, p95 {percentile(latencies, 0.95):7.1f} ms")
    if statuses:
        counts = ", ".join(f"{code}: {n}" for code, n in sorted(Counter(statuses).items()))
        line += f" | flood: {len(statuses)} posts, {len(statuses) / elapsed:6.1f}/s ({counts})"
    print(line)


def forget_counts():
    """Start from no attempts counted: an earlier run's flood would still be counted against 127.0.0.2."""
    from django.conf import settings
    from django.core.cache import caches

    cache = caches["default"]
    client = getattr(cache, "_cache", None)
    if client is None:
        sys.exit("Set REDIS_URL: the two workers must share the counts.")
    redis = client.get_client(write=True)
    keys = list(redis.scan_iter(match=f"*{settings.RATELIMIT_CACHE_PREFIX}*", count=1000))
    if keys:
        redis.delete(*keys)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15, help="length of each phase")
    parser.add_argument("--flooders", type=int, default=4, help="concurrent flooding clients")
    parser.add_argument("--port", type=int, default=8151)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (and REDIS_URL, so both workers share the counts).")
    _common.production_like_settings()
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User

    email = f"bench-flood-{RUN}@example.org"
    User.objects.create(email=email, full_name="Bench Flood", password=make_password(PASSWORD), is_active=True,
                        email_verified_at=timezone.now())
    print(f"gunicorn, 2 sync workers, {options.flooders} flooders from {FLOODER}, visitor from {VISITOR}, "
          f"{options.seconds:g} s per phase; load before {os.getloadavg()}")
    try:
        for limits_on in (True, False):
            forget_counts()
            server = start_server(options.port, limits_on)
            try:
                print(f"Rate limits {'on' if limits_on else 'off'}:")
                describe("quiet", *phase(options.port, options.seconds, 0, email))
                describe("flood", *phase(options.port, options.seconds, options.flooders, email,
                                         wait_for_limit=limits_on))
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        User.objects.filter(email=email).delete()
    print(f"load after {os.getloadavg()}")


if __name__ == "__main__":
    main()
