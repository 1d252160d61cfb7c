"""The parts a chaos test breaks: its own redis-server, an SMTP server that holds or
refuses mail on cue, and the Celery worker and SMTP helpers of the outbox's tests."""

import asyncio
import email
import socket
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field

import redis

from notifications.tests.smtp import SMTPServer, Worker, free_port, wait_for

__all__ = ["CHAOS_REDIS_PORTS", "CuedRecorder", "RedisServer", "SMTPServer", "Worker", "free_port", "wait_for"]

# Spare ports for this suite's own Redis; the shared one on 6379 is never stopped.
CHAOS_REDIS_PORTS = range(6390, 6400)


def _port_is_free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class RedisServer:
    """A throwaway redis-server: no persistence, so a restart starts empty, as after a crash."""

    def __init__(self, tmp_path):
        self.port = next((p for p in CHAOS_REDIS_PORTS if _port_is_free(p)), None)
        assert self.port is not None, f"no free port in {CHAOS_REDIS_PORTS}"
        self.dir = tmp_path
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url(), socket_connect_timeout=0.2)

        def answers():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_for(answers, timeout=10, interval=0.05, what="redis-server to answer")
        client.close()
        return self

    def kill(self):
        """SIGKILL: what a crash or an OOM kill does, no goodbye to clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@dataclass
class CuedRecorder:
    """An SMTP handler that takes a mail as delivered only once it has answered 250.

    - `hold_from`: from the Nth mail on, DATA waits (until released) before answering,
      so a worker killed meanwhile has not been told the mail went, and the mail,
      per RFC 5321, is not the server's to deliver.
    - addresses starting "flaky" get 451 on their first RCPT, then 250;
      addresses starting "bounce" always get 550.
    """

    received: list = field(default_factory=list)
    hold_from: int | None = None
    held: int = 0
    abandoned: int = 0
    release: asyncio.Event | None = None
    flaky_seen: set = field(default_factory=set)
    answers: Counter = field(default_factory=Counter)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            self.answers["550"] += 1
            return f"550 5.1.1 <{address}>: no such mailbox"
        if address.startswith("flaky") and address not in self.flaky_seen:
            self.flaky_seen.add(address)
            self.answers["451"] += 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold_from is not None and len(self.received) >= self.hold_from:
            if self.release is None:
                self.release = asyncio.Event()
            self.held += 1
            try:
                await self.release.wait()
            except asyncio.CancelledError:
                # aiosmtpd cancels the handler when the client goes away: nothing was delivered.
                self.abandoned += 1
                raise
        message = email.message_from_bytes(envelope.content)
        self.received.append({"to": list(envelope.rcpt_tos), "message_id": message["Message-ID"],
                              "at": time.monotonic()})
        return "250 Message accepted for delivery"

    def message_ids(self):
        return [item["message_id"] for item in self.received]


def smtp_server(recorder):
    server = SMTPServer()
    server.recorder = recorder
    return server
