"""`make test` finds (or installs) the browser before any test runs: scripts/ensure_browser.py."""

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.ensure_browser import NOT_FOUND, ensure_browser, find_browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure_browser.py"


def run_script(env, *args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def fake_program(path, body="pass"):
    """An executable that runs `body` as Python (no shell needed on the empty PATH)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!{sys.executable}\nimport os, sys\n{body}\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def bare(tmp_path):
    """An environment with no browser anywhere: an empty PATH, an empty HOME, no MPT_CHROMIUM."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "home").mkdir()
    return {"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path / "home")}


def test_with_no_browser_and_installing_off_it_stops_with_one_line_naming_what_to_install(bare):
    result = run_script({**bare, "MPT_BROWSER_INSTALL": "0"})
    assert result.returncode == 1
    assert result.stderr == NOT_FOUND + "\n"
    assert result.stdout == ""
    assert NOT_FOUND == (
        "No Chromium or Chrome for the browser tests: install one (Debian or Ubuntu: apt-get install chromium; "
        "elsewhere: .venv/bin/python -m playwright install chromium) or set MPT_CHROMIUM to its path."
    )


def test_the_no_install_flag_stops_the_same_way(bare):
    result = run_script(bare, "--no-install")
    assert (result.returncode, result.stderr) == (1, NOT_FOUND + "\n")


def test_a_chromium_on_path_is_found(bare, tmp_path):
    chromium = fake_program(tmp_path / "bin" / "chromium")
    result = run_script({**bare, "MPT_BROWSER_INSTALL": "0"})
    assert (result.returncode, result.stdout, result.stderr) == (0, f"Browser tests use {chromium}\n", "")


def test_google_chrome_on_path_is_found_when_there_is_no_chromium(bare, tmp_path):
    chrome = fake_program(tmp_path / "bin" / "google-chrome-stable")
    assert find_browser(bare) == str(chrome)


def test_mpt_chromium_comes_before_a_browser_on_path(bare, tmp_path):
    fake_program(tmp_path / "bin" / "chromium")
    chosen = fake_program(tmp_path / "elsewhere" / "my-chrome")
    result = run_script({**bare, "MPT_CHROMIUM": str(chosen), "MPT_BROWSER_INSTALL": "0"})
    assert (result.returncode, result.stdout) == (0, f"Browser tests use {chosen}\n")


def test_an_mpt_chromium_that_is_not_a_program_is_refused_by_name(bare, tmp_path):
    fake_program(tmp_path / "bin" / "chromium")
    missing = tmp_path / "no-such-browser"
    result = run_script({**bare, "MPT_CHROMIUM": str(missing)})
    assert result.returncode == 1
    assert result.stderr == (
        f"MPT_CHROMIUM is {missing}, which is not a program: point it at Chromium or Chrome, or unset it.\n"
    )


def test_playwrights_newest_download_is_found(bare, tmp_path):
    cache = tmp_path / "home" / ".cache" / "ms-playwright"
    fake_program(cache / "chromium-1100" / "chrome-linux" / "chrome")
    newest = fake_program(cache / "chromium-1200" / "chrome-linux64" / "chrome")
    assert find_browser(bare) == str(newest)


def test_playwright_browsers_path_is_where_its_download_is_looked_for(bare, tmp_path):
    chrome = fake_program(tmp_path / "browsers" / "chromium-1200" / "chrome-linux" / "chrome")
    assert find_browser({**bare, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "browsers")}) == str(chrome)


def test_on_debian_as_root_it_installs_debians_chromium_quietly(bare, tmp_path, capfd):
    log = tmp_path / "apt.log"
    chromium = tmp_path / "bin" / "chromium"
    fake_program(
        tmp_path / "bin" / "apt-get",
        f"open({str(log)!r}, 'a').write(os.environ.get('DEBIAN_FRONTEND', '') + ' ' + ' '.join(sys.argv[1:]) + '\\n')\n"
        f"print('Reading package lists... Done')\n"
        f"if sys.argv[1] == 'install':\n"
        f"    open({str(chromium)!r}, 'w').write('#!/bin/sh\\n'); os.chmod({str(chromium)!r}, 0o755)",
    )
    found = ensure_browser(bare, debian_root=True, python="never-run")
    assert found == str(chromium)
    assert log.read_text() == "noninteractive update -qq\nnoninteractive install -y -qq chromium\n"
    out, err = capfd.readouterr()
    assert out == ""
    assert err == "No browser for the browser tests yet: installing chromium with apt-get…\n"


def test_elsewhere_it_installs_playwrights_chromium(bare, tmp_path, capfd):
    log = tmp_path / "python.log"
    chrome = tmp_path / "home" / ".cache" / "ms-playwright" / "chromium-1200" / "chrome-linux" / "chrome"
    python = fake_program(
        tmp_path / "python",
        f"open({str(log)!r}, 'w').write(' '.join(sys.argv[1:]))\n"
        f"os.makedirs({str(chrome.parent)!r}); open({str(chrome)!r}, 'w').write('#!/bin/sh\\n')\n"
        f"os.chmod({str(chrome)!r}, 0o755)",
    )
    assert ensure_browser(bare, debian_root=False, python=str(python)) == str(chrome)
    assert log.read_text() == "-m playwright install chromium"
    assert capfd.readouterr().err == "No browser for the browser tests yet: installing Playwright's chromium…\n"


def test_when_installing_fails_it_stops_with_the_one_line(bare, tmp_path):
    failing = fake_program(tmp_path / "python", "sys.exit(1)")
    fake_program(tmp_path / "bin" / "apt-get", "sys.exit(100)")
    with pytest.raises(SystemExit) as stopped:
        ensure_browser(bare, debian_root=True, python=str(failing))
    assert stopped.value.code == NOT_FOUND


def test_the_browser_tests_drive_the_browser_the_check_finds():
    from e2e.conftest import CHROMIUM

    assert find_browser() == CHROMIUM
