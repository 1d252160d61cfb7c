"""Outbox benchmark: N mails queued as requests would queue them, delivered by real
Celery workers through Redis to a local SMTP server (aiosmtpd, in this process).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpt \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
    .venv/bin/python bench/outbox.py --count 10000 --workers 2 --concurrency 8

Prints what queuing costs a request (median, p95), delivery throughput (mails/s
from the first queued to the last received) and the time from queue to
receipt at the SMTP server (median, p95). It uses its own queue name and
idempotency keys and deletes its rows afterwards; run `manage.py migrate` first.
"""

import argparse
import email.parser
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RUN = uuid.uuid4().hex[:8]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Sink:
    """Records when each Message-ID arrived."""

    def __init__(self):
        self.arrived = {}
        self.lock = threading.Lock()
        self.parser = email.parser.BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        message_id = self.parser.parsebytes(envelope.content)["Message-ID"]
        now = time.time()
        with self.lock:
            self.arrived.setdefault(message_id, now)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=8, help="threads per worker")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--backlog",
        action="store_true",
        help="queue everything first, then start the workers: measures what two workers deliver per second",
    )
    options = parser.parse_args()

    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis): the benchmark needs the real services.")

    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()

    queue = f"mpt-bench-{RUN}"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = queue
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpt.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from django.db import transaction

    from mpt.celery import ping
    from notifications.models import OutboundEmail
    from notifications.registry import Kind, get_purpose, register_purpose
    from notifications.services import queue_email

    if get_purpose("bench.mail") is None:
        register_purpose(
            "bench.mail",
            label="Benchmark",
            kind=Kind.INFORMATION,
            placeholders={"name": "A name", "n": "A number"},
            sample_context={"name": "Sam", "n": "1"},
            subject="Benchmark mail {n}",
            body="Hello {name},\n\nThis is benchmark mail **{n}**. Nothing to do.\n\n{site_name}\n",
        )

    env = {**os.environ, "PYTHONPATH": str(BASE_DIR), "DJANGO_LOG_LEVEL": "WARNING"}
    log_path = Path(tempfile.gettempdir()) / f"mpt-bench-{RUN}-workers.log"
    log = open(log_path, "ab")  # noqa: SIM115 - closed at the end
    print(f"worker log: {log_path}")
    workers = []

    def start_workers():
        workers.extend(_spawn(i) for i in range(options.workers))
        for _ in range(options.workers * 2):
            ping.apply_async(("ready",), queue=queue).get(timeout=120)
        print(f"{options.workers} workers x {options.concurrency} threads on queue {queue}; SMTP sink on :{smtp_port}")
        return time.time()

    def _spawn(i):
        return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mpt",
                "worker",
                "-Q",
                queue,
                "-P",
                "threads",
                "-c",
                str(options.concurrency),
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "-l",
                "warning",
                "-n",
                f"bench-{RUN}-{i}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    try:
        if not options.backlog:
            start_workers()
        queued_at, costs = {}, []
        started = time.time()
        for n in range(options.count):
            t0 = time.perf_counter()
            wall = time.time()
            with transaction.atomic():
                mail = queue_email(
                    purpose="bench.mail",
                    to=[f"person{n}@example.org"],
                    context={"name": f"Person {n}", "n": str(n)},
                    idempotency_key=f"bench:{RUN}:{n}",
                )
            costs.append(time.perf_counter() - t0)
            queued_at[mail.message_id] = wall
        queued_done = time.time()
        print(
            f"queued {options.count} in {queued_done - started:.1f}s ({options.count / (queued_done - started):.0f}/s)"
        )

        if options.backlog:
            start_workers()
        deadline = time.time() + options.timeout
        while len(sink.arrived) < options.count and time.time() < deadline:
            time.sleep(0.2)
        finished = max(sink.arrived.values()) if sink.arrived else time.time()
        if options.backlog and sink.arrived:
            # The readiness ping queues behind the backlog: time from the first mail received.
            started = min(sink.arrived.values())
        latencies = [sink.arrived[mid] - queued_at[mid] for mid in queued_at if mid in sink.arrived]
        sent = OutboundEmail.objects.filter(idempotency_key__startswith=f"bench:{RUN}:", state="sent").count()

        print()
        print(f"delivered            {len(sink.arrived)} of {options.count} (rows marked sent: {sent})")
        print(
            f"throughput           {len(sink.arrived) / (finished - started):.0f} mails/s "
            f"({'first received' if options.backlog else 'first queued'} → last received, {finished - started:.1f}s)"
        )
        print(
            f"queue → delivery     median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
        )
        print(
            f"queuing per request  median {statistics.median(costs) * 1000:.2f} ms, "
            f"p95 {percentile(costs, 0.95) * 1000:.2f} ms (render, row, on-commit publish, commit)"
        )
        print(f"machine load         {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        deleted, _ = OutboundEmail.objects.filter(idempotency_key__startswith=f"bench:{RUN}:").delete()
        controller.stop()
        log.close()
        print(f"cleaned up {deleted} rows")


if __name__ == "__main__":
    main()
