"""An allocation run on a real Celery worker through the real broker."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from theses import services
from theses.models import AllocationRun, Assignment
from theses.tasks import run_allocation

from .factories import ProposalFactory, Role, UserFactory, cohort_with_students

pytestmark = [pytest.mark.broker, pytest.mark.postgres]


def database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mpt", "worker", "-Q", queue, "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url(), "CELERY_TASK_DEFAULT_QUEUE": queue,
             "CELERY_BROKER_URL": settings.CELERY_BROKER_URL},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_worker_runs_the_allocation_and_the_status_fragment_shows_it_done(worker, client):
    round_, students = cohort_with_students(3)
    project = ProposalFactory(cohort=round_.cohort, capacity=2)
    for s in students:
        services.preferences_submit(student=s, cohort=round_.cohort, proposal_ids=[project.pk], by=s)
    staff = UserFactory(roles=[Role.STAFF])
    run = AllocationRun.objects.create(round=round_, objective="stable", created_by=staff)
    run_allocation.apply_async(args=[run.pk], queue=worker).get(timeout=90)
    run.refresh_from_db()
    assert (run.state, run.progress, run.rank_profile) == ("done", 100, [2])
    assert Assignment.objects.filter(run=run).count() == 2
    client.force_login(staff)
    body = client.get(reverse("theses:run-status", args=[run.pk])).content.decode()
    assert "Placed 2 of 3 students" in body and "hx-trigger" not in body
