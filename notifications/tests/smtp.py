"""A real SMTP server (aiosmtpd) inside the test process, and a real Celery worker beside it."""

import asyncio
import email
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Recorder:
    """Accepts mail, except to addresses starting "nosuch" (550). Can stall after receiving."""

    received: list = field(default_factory=list)
    stall_seconds: float = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nosuch"):
            return f"550 5.1.1 <{address}>: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        self.received.append(
            {"to": list(envelope.rcpt_tos), "message_id": message["Message-ID"], "subject": message["Subject"]}
        )
        if self.stall_seconds:
            # The mail is in: now hold the answer, so a worker killed meanwhile never learns it went.
            await asyncio.sleep(self.stall_seconds)
        return "250 Message accepted for delivery"

    def message_ids(self):
        return [item["message_id"] for item in self.received]


class SMTPServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.recorder = Recorder()
        self.controller = None

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def wait_for(predicate, *, timeout=30.0, interval=0.1, what="condition"):
    """Poll until predicate() is truthy; bounded, for work a real worker does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def database_url():
    """The test database, as a URL a worker process can use."""
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Worker:
    """`celery -A mpt worker` in a subprocess, on this run's queue, against the test database."""

    def __init__(self, *, smtp_port, log_path, extra_env=None, beat_schedule=None):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "MPT_CACHE_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "mpt"),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DJANGO_EMAIL_TIMEOUT": "60",
            "MPT_OUTBOX_RETRY_BASE_SECONDS": "1",
            "MPT_OUTBOX_RETRY_MAX_SECONDS": "2",
            "DJANGO_SETTINGS_MODULE": "mpt.settings",
            "PYTHONPATH": str(settings.BASE_DIR),
            **(extra_env or {}),
        }
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mpt",
                "worker",
                "-P",
                "solo",
                "-c",
                "1",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "-l",
                "info",
                "-n",
                f"notif-test-{os.getpid()}-{time.monotonic_ns()}@%h",
                # Beat inside the worker: the heartbeat and the sweeper on settings' schedule.
                *(["-B", "-s", str(beat_schedule)] if beat_schedule else []),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout=60):
        from mpt.celery import ping

        result = ping.apply_async(("ready",), queue=settings.CELERY_TASK_DEFAULT_QUEUE)
        assert result.get(timeout=timeout) == {"pong": "ready"}
        return self

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
