"""Serve the demo as production runs: the site, and a Celery worker with beat beside it.

`make run` calls it with DJANGO_DEBUG=1 and MPT_DEV_BROKER=filesystem, so the
worker takes its tasks from files under MPT_RUN_DIR and nothing else needs to
be running; with CELERY_BROKER_URL set (Redis) the worker uses that instead.
In order it brings the database up to date, loads the demo data, starts
Django's development server and the worker in their own process groups, waits
until the server takes connections and the worker has reported (its heartbeat,
which /healthz reads too), and only then prints the demo logins and where to read demo mail, so they are
the last thing on the screen before the request log. Ctrl-C (or SIGTERM) stops
every process it started, their children included.

Links in mail point at the address served unless MPT_SITE_URL says otherwise.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.urls import reverse

from core.health import HEARTBEAT_KEY

from .seed_demo import demo_password, login_lines

# A busy two-core machine can take this long to import Django twice and migrate.
READY_WITHIN_SECONDS = 180
STOP_WITHIN_SECONDS = 20


class Child:
    """A process in a group of its own, whose output is held until the site is up, then passed through."""

    def __init__(self, name, command, *, env, cwd, write):
        self.name = name
        self.held = []
        self.passing = threading.Event()
        self._write = write
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1, start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, name=f"rundemo-{name}", daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            if self.passing.is_set():
                self._write(line.rstrip("\n"))
            else:
                self.held.append(line.rstrip("\n"))

    def pass_through(self):
        """From now on its output goes to the console; what it said while starting is dropped."""
        self.held.clear()
        self.passing.set()

    def exited(self):
        return self.process.poll() is not None

    def signal_group(self, signum):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def stop(self, deadline):
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.process.wait()
        # Whatever it left behind in its group (the dev server's reloaded child, beat).
        self.signal_group(signal.SIGKILL)
        self._reader.join(timeout=2)


def parse_addrport(value):
    host, _, port = value.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"{value} is not an address to serve: give a port, or host:port, for example 127.0.0.1:8000")
    return host or "127.0.0.1", int(port)


class Command(BaseCommand):
    help = "Migrate, load the demo data and serve it with a Celery worker and beat beside the site; Ctrl-C stops all."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="host:port to serve on")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("rundemo serves with Django's development server: set DJANGO_DEBUG=1 (make run does).")
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "rundemo runs a worker beside the site, so it needs a broker: set MPT_DEV_BROKER=filesystem "
                "(make run does) or CELERY_BROKER_URL."
            )
        host, port = parse_addrport(options["addrport"])
        # Asked on the loopback address when serving on every interface.
        local = "127.0.0.1" if host == "0.0.0.0" else host  # noqa: S104 - compared, not bound
        if accepts(local, port):
            raise CommandError(f"Something already serves {local}:{port}: stop it, or use another port "
                               "(PORT=8001 make run, or manage.py rundemo 127.0.0.1:8001).")
        site_url = (os.environ.get("MPT_SITE_URL") or f"http://{host}:{port}").rstrip("/")
        self.lock = threading.Lock()
        env = {**os.environ, "MPT_SITE_URL": site_url, "PYTHONUNBUFFERED": "1"}
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]

        os.makedirs(settings.MPT_RUN_DIR, exist_ok=True)
        if settings.DEV_BROKER_IN_FILES:
            for folder in {settings.CELERY_BROKER_TRANSPORT_OPTIONS[key] for key in
                           ("data_folder_in", "data_folder_out", "control_folder")}:
                os.makedirs(folder, exist_ok=True)
        # A heartbeat left from an earlier run must not make the new worker look ready.
        cache.delete(HEARTBEAT_KEY)

        self.write("Bringing the database up to date…")
        self.run_step([*manage, "migrate", "--no-input", "--verbosity", "0"], env=env)
        self.run_step([*manage, "seed_demo", "--no-logins"], env=env)
        connections.close_all()

        stopping = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        children = []
        try:
            self.write(f"Starting the site at {site_url}/ and a worker with the scheduled jobs…")
            # The checks ran with migrate a moment ago.
            children.append(Child("web", [*manage, "runserver", "--skip-checks", f"{host}:{port}"],
                                  env=env, cwd=settings.BASE_DIR, write=self.write))
            # Beat's record of what it ran lives in the run folder, whichever the broker, not beside manage.py.
            children.append(Child("worker", [sys.executable, "-m", "celery", "-A", "mpt", "worker", "-B",
                                             "--schedule", str(settings.MPT_RUN_DIR / "beat-schedule"),
                                             "--pool", "solo", "--loglevel", "WARNING", "--without-gossip",
                                             "--without-mingle", "--without-heartbeat"],
                                  env=env, cwd=settings.BASE_DIR, write=self.write))
            failed = self.wait_until_ready(local, port, children, stopping)
            if failed:
                raise CommandError(failed)
            if stopping.is_set():
                return
            for child in children:
                child.pass_through()
            self.print_welcome(site_url)
            while not stopping.wait(0.5):
                gone = next((child for child in children if child.exited()), None)
                if gone is not None:
                    raise CommandError(f"The {gone.name} process stopped (exit status {gone.process.returncode}).")
        finally:
            deadline = time.monotonic() + STOP_WITHIN_SECONDS
            for child in children:
                child.stop(deadline)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.write("Stopped the site and the worker.")

    def write(self, line):
        with self.lock:
            self.stdout.write(line)
            self.stdout.flush()

    def run_step(self, command, *, env):
        result = subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=False)  # noqa: S603
        if result.returncode != 0:
            raise CommandError(f"{' '.join(command[1:])} failed (exit status {result.returncode}); see above.")

    def wait_until_ready(self, host, port, children, stopping):
        """None once the server takes connections and the worker has reported; else what went wrong.

        Asked without an HTTP request, so the request log starts with the first page a person opens.
        """
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while not stopping.is_set():
            gone = next((child for child in children if child.exited()), None)
            if gone is not None:
                return self.report(f"The {gone.name} process stopped while starting "
                                   f"(exit status {gone.process.returncode}).", children)
            waiting = [what for what, ready in (("the site", lambda: accepts(host, port)),
                                                ("the worker", lambda: cache.get(HEARTBEAT_KEY) is not None))
                       if not ready()]
            if not waiting:
                return None
            if time.monotonic() > deadline:
                return self.report(f"Still waiting for {' and '.join(waiting)} after {READY_WITHIN_SECONDS} "
                                   "seconds.", children)
            stopping.wait(0.25)
        return None

    def report(self, problem, children):
        for child in children:
            for line in child.held[-40:]:
                self.write(f"  {child.name}: {line}")
        return problem

    def print_welcome(self, site_url):
        outbox = site_url + reverse("notifications:outbox")
        mine = site_url + reverse("my_emails:email-list")
        lines = [
            "",
            *login_lines(demo_password(), site_url=site_url),
            "",
            "Read the mail the site sends (the console shows one line for each):",
            f"  {mine:<40} your own, once logged in",
            f"  {outbox:<40} every mail, as staff",
            "",
            f"Serving {site_url}/ with a Celery worker and beat beside it. Ctrl-C stops them all.",
        ]
        connections.close_all()
        for line in lines:
            self.write(line)


def accepts(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
