"""`make run`'s own set-up: the development broker and cache in files, and
manage.py rundemo, which serves the demo with a worker and beat beside it.

The test marked `demo` runs it end to end on a spare port, with a SQLite file
and a broker folder of its own, driven over HTTP as a newcomer would: it signs
up through the real form, finds the verification mail from its one console
line, follows the mailed link, checks /healthz and that beat runs the schedule,
then stops everything with Ctrl-C's signal and checks that no process it
started is left.
"""

import itertools
import json
import os
import queue
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
STARTS_WITHIN = 240  # seconds: migrate and seed on a busy two-core machine
ANSWERS_WITHIN = 60



def spare_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_env(tmp_path):
    """What `make run` sets, and nothing of this test run's own settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "MPT_", "CELERY_", "DATABASE_", "REDIS_", "EMAIL_", "DEMO_"))}
    env.update({
        "DJANGO_DEBUG": "1",
        "MPT_DEV_BROKER": "filesystem",
        "MPT_RUN_DIR": str(tmp_path / "run"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        # Beat's heartbeat every second, so the test sees a scheduled job run within its few seconds.
        "MPT_HEARTBEAT_SECONDS": "1",
    })
    return env


class Output:
    """The demo's console, line by line, read as it comes."""

    def __init__(self, stream):
        self.lines = []
        self._new = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self._new.put(line.rstrip("\n"))
        self._new.put(None)

    def wait_for(self, pattern, within):
        """The first line (from now on) matching `pattern`, waiting at most `within` seconds."""
        deadline = time.monotonic() + within
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._new.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                line = False
            if line is None or (line is False and remaining <= 0):
                raise AssertionError(f"no line matching {pattern!r}; the console said:\n" + "\n".join(self.lines))
            if line is False:
                continue
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match


class Forms(HTMLParser):
    """The inputs of each form on a page: [(action, [(name, type, value)])]."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", []))
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1][1].append((attrs["name"], attrs.get("type", "text"), attrs.get("value", "")))


class Browser:
    """Cookies, CSRF tokens and redirects, as a browser keeps them."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, url):
        with self.opener.open(urllib.parse.urljoin(self.base, url), timeout=30) as response:
            return response.geturl(), response.read().decode()

    def submit(self, url, fill):
        """Fill the page's POST form whose fields `fill` knows (by type), keep its hidden fields, send it."""
        page_url, page = self.get(url)
        parser = Forms()
        parser.feed(page)
        action, inputs = next(form for form in parser.forms if any(t in ("password", "email") for _, t, _ in form[1]))
        data = [(name, value if kind in ("hidden", "checkbox") else fill[kind]) for name, kind, value in inputs
                if kind not in ("submit", "button")]
        request = urllib.request.Request(  # noqa: S310 - the demo's own http:// address
            urllib.parse.urljoin(page_url, action or page_url), data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": page_url},
        )
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read().decode()


def healthz(site):
    with urllib.request.urlopen(f"{site}/healthz", timeout=30) as response:  # noqa: S310 - the demo's own
        assert response.headers["Content-Type"] == "application/json"
        return response.status, json.load(response)


def eventually(read, expected, *, within):
    """True once read() returns `expected`, polling until the deadline; the last value otherwise."""
    deadline = time.monotonic() + within
    wake = threading.Event()
    while (value := read()) != expected and time.monotonic() < deadline:
        wake.wait(0.1)
    return value == expected or value


def descendants(pid):
    """Every process below `pid`, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's bookkeeping remains


@pytest.mark.demo
def test_make_run_serves_the_demo_with_a_worker_and_mailed_links_that_work_then_stops_everything(tmp_path):
    port = spare_port()
    site = f"http://127.0.0.1:{port}"
    env = demo_env(tmp_path)
    started = time.monotonic()
    demo = subprocess.Popen(
        [sys.executable, "manage.py", "rundemo", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
    )
    console = Output(demo.stdout)
    try:
        console.wait_for(r"^Serving ", STARTS_WITHIN)
        print(*console.lines, sep="\n")
        ready_after = time.monotonic() - started
        assert console.lines[-1] == f"Serving {site}/ with a Celery worker and beat beside it. Ctrl-C stops them all."

        # Seeding printed no mail, only one line for all of it.
        assert not [line for line in console.lines if line.startswith("Mail to")]
        queued = [line for line in console.lines if line.startswith("Queued ")]
        assert len(queued) == 1
        assert re.fullmatch(
            rf"Queued \d+ demo mails: read them at {site}/staff/outbox/ \(as staff\) "
            rf"or at {site}/accounts/emails/ \(logged in as their recipient\)", queued[0])

        # The last thing before serving: the logins, then where to read mail.
        welcome = console.lines[console.lines.index(next(
            line for line in console.lines if line.startswith("Starting the site"))) + 1:]
        assert welcome == [
            "",
            f"Log in at {site}/accounts/login/ as any of these:",
            "  Role              Email                    Password",
            "  Staff             staff@example.org        public-tech-demo",
            "  Admissions admin  admissions@example.org   public-tech-demo",
            "  Reviewer          reviewer@example.org     public-tech-demo",
            "  Applicant         applicant@example.org    public-tech-demo",
            "  Student           student@example.org      public-tech-demo",
            "  Student, ranking  parttime@example.org     public-tech-demo",
            "",
            "Read the mail the site sends (the console shows one line for each):",
            f"  {site + '/accounts/emails/':<40} your own, once logged in",
            f"  {site + '/staff/outbox/':<40} every mail, as staff",
            "",
            f"Serving {site}/ with a Celery worker and beat beside it. Ctrl-C stops them all.",
        ]

        # Every link in every seeded mail points at the address served.
        database = sqlite3.connect(tmp_path / "demo.sqlite3")
        bodies = " ".join(text + html for text, html in database.execute(
            "SELECT body_text, body_html FROM notifications_outboundemail"))
        hosts = {match.group(1) for match in re.finditer(r"(https?://[^/\s\"'<>]+)", bodies)}
        assert hosts == {site}

        newcomer = Browser(site)
        address = "robin.newcomer@example.org"
        landed, page = newcomer.submit("/accounts/signup/", {
            "text": "Robin Newcomer", "email": address, "password": "a-long-demo-passphrase-91",
        })
        assert urllib.parse.urlsplit(landed).path == "/accounts/signup/check-your-email/"

        # The worker delivers it; the console says where to read it, on this port.
        line = console.wait_for(rf'^Mail to {re.escape(address)}: "', ANSWERS_WITHIN).string
        pk = re.search(rf"Read it at {re.escape(site)}/accounts/emails/(\d+)/ \(logged in as {re.escape(address)}\) "
                       rf"or {re.escape(site)}/staff/outbox/(\d+)/$", line)
        assert pk and pk.group(1) == pk.group(2), line
        # The line is printed while sending; the row says "sent" once the transport returned.
        assert eventually(lambda: database.execute("SELECT state FROM notifications_outboundemail WHERE id = ?",
                                                   (pk.group(1),)).fetchone(), ("sent",), within=ANSWERS_WITHIN)

        staff = Browser(site)
        landed, _ = staff.submit("/accounts/login/", {"text": "staff@example.org", "email": "staff@example.org",
                                                      "password": "public-tech-demo"})
        assert urllib.parse.urlsplit(landed).path == "/staff/"
        _, mail = staff.get(f"/staff/outbox/{pk.group(1)}/")
        link = re.search(rf"{re.escape(site)}/accounts/verify/[^\s\"'<>]+/", mail).group(0)

        landed, page = newcomer.get(link)
        assert urllib.parse.urlsplit(landed).path == "/accounts/login/"
        assert f"{address} is confirmed" in page
        verified = database.execute("SELECT email_verified_at FROM accounts_user WHERE email = ?", (address,))
        assert verified.fetchone()[0] is not None

        status, health = healthz(site)
        assert status == 200
        assert health["status"] == "ok"
        assert {name: check["ok"] for name, check in health["checks"].items()} == dict.fromkeys(health["checks"], True)
        assert health["checks"]["broker"] == {"ok": True, "mode": "filesystem"}

        # Beat runs the schedule: the heartbeat's age drops, so a newer one was written.
        ages = []

        def heartbeat_refreshed():
            ages.append(healthz(site)[1]["checks"]["worker"]["last_seen_seconds"])
            return any(later < earlier for earlier, later in itertools.pairwise(ages))

        assert eventually(heartbeat_refreshed, True, within=20), ages

        assert list((tmp_path / "run").glob("beat-schedule*")), "beat keeps its record in the run folder"
        processes = descendants(demo.pid)
        assert len(processes) >= 2  # the dev server and the worker, with their own children
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            demo.kill()
            raise
    assert demo.returncode == 0
    console.wait_for(r"^Stopped the site and the worker\.$", 5)
    assert [pid for pid in processes if running(pid)] == []
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    print(f"rundemo served after {ready_after:.0f} s; the whole test took {time.monotonic() - started:.0f} s")


def test_make_run_runs_rundemo_with_the_development_broker_on_port():
    # Under a parent make (make test), MAKELEVEL and MAKEFLAGS would make the
    # child print "Entering directory" lines; the plan is read as a newcomer's.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    plan = subprocess.run(["make", "--no-print-directory", "-n", "run", "PORT=8809"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=True).stdout.splitlines()
    assert plan[-1] == "DJANGO_DEBUG=1 MPT_DEV_BROKER=filesystem .venv/bin/python manage.py rundemo 127.0.0.1:8809"


def settings_with(env, *names):
    """The named settings of a fresh process started with exactly these variables."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "MPT_", "CELERY_", "DATABASE_", "REDIS_", "EMAIL_"))}
    code = ("import json; from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**clean, "DJANGO_SETTINGS_MODULE": "mpt.settings", **env}, check=False)
    assert result.returncode == 0 or not result.stdout, result.stderr
    return json.loads(result.stdout) if result.returncode == 0 else result.stderr


def test_the_dev_broker_keeps_tasks_and_the_cache_in_files_under_the_run_folder(tmp_path):
    found = settings_with(
        {"DJANGO_DEBUG": "1", "MPT_DEV_BROKER": "filesystem", "MPT_RUN_DIR": str(tmp_path)},
        "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "CELERY_RESULT_BACKEND", "CACHES",
        "CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_BEAT_SCHEDULE_FILENAME", "CELERY_WORKER_REDIRECT_STDOUTS",
    )
    assert found == {
        "CELERY_BROKER_URL": "filesystem://localhost/",
        "CELERY_TASK_ALWAYS_EAGER": False,
        "CELERY_RESULT_BACKEND": None,
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                               "LOCATION": str(tmp_path / "cache"), "KEY_PREFIX": "mpt"}},
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "data_folder_in": str(tmp_path / "broker" / "messages"),
            "data_folder_out": str(tmp_path / "broker" / "messages"),
            "control_folder": str(tmp_path / "broker" / "control"),
            "polling_interval": 0.5,
        },
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"),
        "CELERY_WORKER_REDIRECT_STDOUTS": False,
    }


def test_an_empty_run_folder_setting_means_the_one_in_the_project():
    found = settings_with({"DJANGO_DEBUG": "1", "MPT_DEV_BROKER": "filesystem", "MPT_RUN_DIR": ""}, "MPT_RUN_DIR")
    assert found == {"MPT_RUN_DIR": str(ROOT / ".run")}


def test_a_real_broker_wins_over_the_dev_broker_and_keeps_the_production_settings(tmp_path):
    redis = "redis://127.0.0.1:6379/9"
    production = settings_with({"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": redis},
                               "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHES",
                               "CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_TASK_ALWAYS_EAGER")
    both = settings_with({"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": redis, "MPT_DEV_BROKER": "filesystem",
                          "MPT_RUN_DIR": str(tmp_path)},
                         "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHES",
                         "CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_TASK_ALWAYS_EAGER")
    assert both == production
    assert (production["CELERY_BROKER_URL"], production["CELERY_RESULT_BACKEND"]) == (redis, redis)
    assert production["CACHES"]["default"]["LOCATION"] == redis
    assert "data_folder_in" not in production["CELERY_BROKER_TRANSPORT_OPTIONS"]


def test_with_no_broker_at_all_tasks_still_run_eagerly_with_a_cache_in_memory():
    found = settings_with({"DJANGO_DEBUG": "1"}, "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "CACHES")
    assert found == {"CELERY_BROKER_URL": "", "CELERY_TASK_ALWAYS_EAGER": True,
                     "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}


def test_the_dev_broker_is_refused_outside_development():
    refused = settings_with({"MPT_DEV_BROKER": "filesystem", "DJANGO_SECRET_KEY": "s" * 60}, "DEBUG")
    assert ("ImproperlyConfigured: MPT_DEV_BROKER=filesystem is not a development broker: the one there is, "
            "MPT_DEV_BROKER=filesystem, needs DJANGO_DEBUG=1. In production set CELERY_BROKER_URL.") in refused


def test_this_test_run_uses_no_dev_broker(settings):
    assert not settings.CELERY_BROKER_URL.startswith("filesystem")
    assert "filebased" not in settings.CACHES["default"]["BACKEND"]


@pytest.mark.parametrize(("email_url", "transport"), [
    (None, "notifications.console.ConsoleLineBackend"),
    ("consolemail://", "django.core.mail.backends.console.EmailBackend"),
    ("smtp://mail.example.org:587", "django.core.mail.backends.smtp.EmailBackend"),
])
def test_mail_is_one_console_line_each_unless_email_url_names_a_transport(email_url, transport):
    env = {"DJANGO_DEBUG": "1", **({"EMAIL_URL": email_url} if email_url else {})}
    assert settings_with(env, "MPT_DELIVERY_EMAIL_BACKEND") == {"MPT_DELIVERY_EMAIL_BACKEND": transport}


def test_healthz_names_a_missing_broker_folder_and_accepts_a_writable_one(settings, tmp_path):
    from core.health import _check_broker

    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_out": str(tmp_path / "messages")}
    assert _check_broker() == {
        "ok": False, "error": f"the broker folder {tmp_path / 'messages'} is missing or not writable"}
    (tmp_path / "messages").mkdir()
    assert _check_broker() == {"ok": True, "mode": "filesystem"}


def test_a_worker_reports_as_soon_as_it_is_ready():
    from core.health import worker_heartbeat_age
    from mpt.celery import _report_at_start

    assert worker_heartbeat_age() is None
    _report_at_start(sender=None)
    assert 0 <= worker_heartbeat_age() < 5


def test_rundemo_refuses_to_serve_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        call_command("rundemo", "127.0.0.1:8809")
    assert str(refused.value) == "rundemo serves with Django's development server: set DJANGO_DEBUG=1 (make run does)."


def test_rundemo_needs_a_broker_for_its_worker(settings):
    settings.DEBUG = True
    settings.CELERY_BROKER_URL = ""
    with pytest.raises(CommandError) as refused:
        call_command("rundemo", "127.0.0.1:8809")
    assert str(refused.value) == ("rundemo runs a worker beside the site, so it needs a broker: "
                                  "set MPT_DEV_BROKER=filesystem (make run does) or CELERY_BROKER_URL.")


def test_rundemo_says_what_an_address_to_serve_looks_like(settings):
    settings.DEBUG = True
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    with pytest.raises(CommandError) as refused:
        call_command("rundemo", "localhost:http")
    assert str(refused.value) == (
        "localhost:http is not an address to serve: give a port, or host:port, for example 127.0.0.1:8000")


def test_rundemo_stops_before_anything_when_the_port_is_taken(settings):
    settings.DEBUG = True
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError) as refused:
            call_command("rundemo", f"127.0.0.1:{port}")
    assert str(refused.value) == (f"Something already serves 127.0.0.1:{port}: stop it, or use another port "
                                  "(PORT=8001 make run, or manage.py rundemo 127.0.0.1:8001).")
