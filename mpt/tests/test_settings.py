"""Settings are safe by default; production-like variables pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 20 + "a-long-random-production-secret-for-the-deploy-check",
    "DJANGO_ALLOWED_HOSTS": "mpt.example.ac.uk",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://mpt.example.ac.uk",
    "DATABASE_URL": "sqlite:////tmp/mpt-deploy-check.sqlite3",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MPT_", "CELERY_", "DATABASE"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_missing_secret_key_in_production_stops_start_up_with_a_clear_message():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr.split("ImproperlyConfigured")[-1]


def test_debug_needs_no_secret_key():
    result = run_manage("check", env={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_prints_no_warning_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SESSION_COOKIE_SECURE", True),
        ("CSRF_COOKIE_SECURE", True),
        ("SECURE_SSL_REDIRECT", True),
        ("SECURE_HSTS_SECONDS", 31536000),
        ("DEBUG", False),
    ],
)
def test_production_defaults(name, expected):
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MPT_"))}, **PRODUCTION,
           "DJANGO_SETTINGS_MODULE": "mpt.settings"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == repr(expected), result.stderr
