"""Outbox benchmark: N mails queued as requests would queue them, delivered by real
Celery workers through Redis to a local SMTP server (aiosmtpd, in this process).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpt \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
    .venv/bin/python bench/outbox.py --count 10000 --latency-count 1000 --workers 2 --concurrency 8

Phase 1, before any worker starts: what queuing adds to a request, each mail
in its own transaction as a request would send it, split into queue_email
(render, INSERT), COMMIT and the on-commit publish to the broker; wall and CPU
time, median and p95, with the load average (other programs on the machine
inflate wall time; CPU time is the fairer figure on a busy box).

Phase 2: --count mails are queued with no worker running, then the workers
start: throughput, mails/s from the first received to the last received at
the SMTP sink.

Phase 3: with the workers running and idle, --latency-count mails are queued
one after another, as requests would: the time from queue to receipt at the
SMTP sink (median, p95).

It uses its own queue name and idempotency keys and deletes its rows (and the
phase-1 tasks) afterwards; run `manage.py migrate` first.
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

from _common import percentile

BASE_DIR = Path(__file__).resolve().parent.parent
RUN = uuid.uuid4().hex[:8]


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


def measure_request_cost(options, queue_email, transaction, OutboundEmail, queue):
    """Phase 1: queue mails exactly as a request would (each in its own transaction),
    before any worker runs, so nothing competes for the CPUs but other programs.

    Each call is split with on-commit callbacks around the one queue_email
    registers: queue_email itself (render, INSERT, on_commit registration),
    COMMIT, then the publish to the broker. Wall and CPU (process) time are
    kept: on a shared machine CPU time is the fairer figure. The published
    tasks are removed from the broker and the rows deleted afterwards.
    """
    import redis

    marks = {}

    def mark(name):
        def record():
            marks[name] = (time.perf_counter(), time.process_time())

        return record

    def one(n):
        t0, c0 = time.perf_counter(), time.process_time()
        with transaction.atomic():
            transaction.on_commit(mark("committed"))  # runs first after COMMIT, before the publish
            queue_email(
                purpose="bench.mail",
                to=[f"request{n}@example.org"],
                context={"name": f"Person {n}", "n": str(n)},
                idempotency_key=f"bench:{RUN}:request:{n}",
            )
            t1, c1 = time.perf_counter(), time.process_time()
        t3, c3 = time.perf_counter(), time.process_time()
        t2, c2 = marks["committed"]
        return {
            "queue": (t1 - t0, c1 - c0),
            "commit": (t2 - t1, c2 - c1),
            "publish": (t3 - t2, c3 - c2),
            "queue_publish": ((t1 - t0) + (t3 - t2), (c1 - c0) + (c3 - c2)),
            "total": (t3 - t0, c3 - c0),
        }

    for n in range(options.warmup):  # connections opened, template cached, code paths warm
        one(-1 - n)
    result = {"samples": options.request_samples, "load_before": os.getloadavg()[0]}
    for n in range(options.request_samples):
        for key, (wall, cpu) in one(n).items():
            result.setdefault(key, []).append(wall)
            result.setdefault(key + "_cpu", []).append(cpu)
    result["load_after"] = os.getloadavg()[0]
    OutboundEmail.objects.filter(idempotency_key__startswith=f"bench:{RUN}:request:").delete()
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    broker.delete(queue, *broker.keys(f"{queue}\x06\x16*"))
    return result


def report_request_cost(request):
    load = f"{request['load_before']:.1f} → {request['load_after']:.1f}"
    print(f"Phase 1: what queuing adds to a request ({request['samples']} mails, no workers running)")
    print(f"  load average           {load} on {os.cpu_count()} CPUs")
    for label, key in [
        ("queue_email + publish", "queue_publish"),
        ("  queue_email", "queue"),
        ("  on-commit publish", "publish"),
        ("commit", "commit"),
        ("total", "total"),
    ]:
        wall, cpu = request[key], request[key + "_cpu"]
        print(
            f"  {label:<22} wall median {statistics.median(wall) * 1000:5.2f} ms, "
            f"p95 {percentile(wall, 0.95) * 1000:5.2f} | CPU median {statistics.median(cpu) * 1000:5.2f} ms, "
            f"p95 {percentile(cpu, 0.95) * 1000:5.2f}"
        )
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=8, help="threads per worker")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--request-samples", type=int, default=1000, help="mails timed in phase 1 (what a request pays)"
    )
    parser.add_argument("--warmup", type=int, default=50, help="untimed mails before phase 1")
    parser.add_argument(
        "--latency-count", type=int, default=1000, help="mails timed from queue to delivery in phase 3"
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

    def start_workers(wait=True):
        workers.extend(_spawn(i) for i in range(options.workers))
        for _ in range(options.workers * 2 if wait else 0):
            ping.apply_async(("ready",), queue=queue).get(timeout=120)
        print(f"{options.workers} workers x {options.concurrency} threads on queue {queue}; SMTP sink on :{smtp_port}")

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

    def queue_batch(batch, count):
        """Queue `count` mails one transaction each, as requests would; {Message-ID: when queued}."""
        queued_at = {}
        for n in range(count):
            wall = time.time()
            with transaction.atomic():
                mail = queue_email(
                    purpose="bench.mail",
                    to=[f"person{n}@example.org"],
                    context={"name": f"Person {n}", "n": str(n)},
                    idempotency_key=f"bench:{RUN}:{batch}:{n}",
                )
            queued_at[mail.message_id] = wall
        return queued_at

    def wait_for(queued_at):
        deadline = time.time() + options.timeout
        while time.time() < deadline and any(mid not in sink.arrived for mid in queued_at):
            time.sleep(0.2)
        return {mid: sink.arrived[mid] for mid in queued_at if mid in sink.arrived}

    try:
        report_request_cost(measure_request_cost(options, queue_email, transaction, OutboundEmail, queue))

        # Phase 2: a backlog, then the workers start: what two workers deliver per second.
        load_before = os.getloadavg()[0]
        started = time.time()
        backlog = queue_batch("backlog", options.count)
        queued_in = time.time() - started
        start_workers(wait=False)  # a readiness ping would queue behind the backlog
        arrived = wait_for(backlog)
        first, last = (min(arrived.values()), max(arrived.values())) if arrived else (0, 0)
        sent = OutboundEmail.objects.filter(idempotency_key__startswith=f"bench:{RUN}:backlog:", state="sent").count()
        print(f"Phase 2: a backlog of {options.count} mails, then {options.workers} workers start")
        print(f"  load average           {load_before:.1f} → {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"  queued                 {options.count} in {queued_in:.1f}s ({options.count / queued_in:.0f}/s)")
        print(f"  delivered              {len(arrived)} of {options.count} (rows marked sent: {sent})")
        if len(arrived) > 1:
            print(
                f"  throughput             {len(arrived) / (last - first):.0f} mails/s "
                f"(first received → last received, {last - first:.1f}s)"
            )
        print()

        # Phase 3: workers idle and waiting; mails queued one request after another.
        load_before = os.getloadavg()[0]
        live = queue_batch("live", options.latency_count)
        arrived = wait_for(live)
        latencies = [arrived[mid] - queued_at for mid, queued_at in live.items() if mid in arrived]
        print(f"Phase 3: {options.latency_count} mails queued one after another while the workers run")
        print(f"  load average           {load_before:.1f} → {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"  delivered              {len(arrived)} of {options.latency_count}")
        if latencies:
            print(
                f"  queue → delivery       median {statistics.median(latencies) * 1000:.0f} ms, "
                f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
            )
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
