"""Find a Chromium or Chrome for the browser tests, installing one if it can.

`make test` and `make e2e` run this first, so a missing browser stops the run
with one line before any test starts, instead of ending it with a page of
launch errors. e2e/conftest.py calls `find_browser()` too, so the browser
reported here is the one the tests drive.

Where it looks, in order: MPT_CHROMIUM; `chromium`, `chromium-browser`,
`google-chrome`, `google-chrome-stable` on PATH; Playwright's own download
(PLAYWRIGHT_BROWSERS_PATH, else its cache folder). When none is there it
installs one: on Debian or Ubuntu as root the distribution's `chromium` (apt
needs no download from Google and brings its system libraries), otherwise
Playwright's build. MPT_BROWSER_INSTALL=0 (or --no-install) turns that off.

Standard library only: it runs before anything is known to work.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

NAMES_ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

NOT_FOUND = (
    "No Chromium or Chrome for the browser tests: install one "
    "(Debian or Ubuntu: apt-get install chromium; elsewhere: .venv/bin/python -m playwright install chromium) "
    "or set MPT_CHROMIUM to its path."
)

# Inside a Playwright browsers folder: Linux builds, then macOS app bundles.
PLAYWRIGHT_EXECUTABLES = (
    "chrome-linux*/chrome",
    "chrome-mac*/*.app/Contents/MacOS/*",
)


def _executable(path):
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)


def _playwright_folders(environ):
    if environ.get("PLAYWRIGHT_BROWSERS_PATH"):
        return [Path(environ["PLAYWRIGHT_BROWSERS_PATH"])]
    home = Path(environ.get("HOME") or "~").expanduser()
    return [home / ".cache" / "ms-playwright", home / "Library" / "Caches" / "ms-playwright"]


def _revision(folder):
    match = re.search(r"(\d+)$", folder.name)
    return int(match.group(1)) if match else -1


def _playwright_browser(environ):
    for folder in _playwright_folders(environ):
        # The newest download first: an older one may be left from another Playwright version.
        for build in sorted(folder.glob("chromium-*"), key=_revision, reverse=True):
            for pattern in PLAYWRIGHT_EXECUTABLES:
                for candidate in sorted(build.glob(pattern)):
                    if _executable(str(candidate)):
                        return str(candidate)
    return None


def find_browser(environ=None):
    """The path of a Chromium or Chrome to drive, or None."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("MPT_CHROMIUM")
    if chosen:
        # Named on purpose: never fall back to another browser behind the person's back.
        return chosen if _executable(chosen) else None
    search_path = environ.get("PATH", "")
    for name in NAMES_ON_PATH:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    return _playwright_browser(environ)


def is_debian_root():
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    try:
        release = Path("/etc/os-release").read_text()
    except OSError:
        return Path("/etc/debian_version").exists()
    ids = " ".join(re.findall(r"^(?:ID|ID_LIKE)=\"?([^\"\n]*)", release, flags=re.MULTILINE))
    return bool({"debian", "ubuntu"} & set(ids.split()))


def _quietly(command, environ):
    """Run a command with its output kept back; True if it succeeded."""
    program = shutil.which(command[0], path=environ.get("PATH", "")) or command[0]
    try:
        result = subprocess.run(  # noqa: S603 - fixed commands, no shell
            [program, *command[1:]], env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            check=False, timeout=900,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def install_browser(environ, *, debian_root, python):
    """Try to install a browser: apt's chromium on Debian or Ubuntu as root, else Playwright's."""
    if debian_root:
        print("No browser for the browser tests yet: installing chromium with apt-get…", file=sys.stderr)
        apt_env = {**environ, "DEBIAN_FRONTEND": "noninteractive"}
        if _quietly(["apt-get", "update", "-qq"], apt_env):
            _quietly(["apt-get", "install", "-y", "-qq", "chromium"], apt_env)
        if find_browser(environ):
            return
    print("No browser for the browser tests yet: installing Playwright's chromium…", file=sys.stderr)
    _quietly([python, "-m", "playwright", "install", "chromium"], environ)


def ensure_browser(environ=None, *, install=True, debian_root=None, python=None):
    """The browser's path, installing one if allowed; SystemExit with one line if there is none."""
    environ = dict(os.environ if environ is None else environ)
    chosen = environ.get("MPT_CHROMIUM")
    if chosen and not _executable(chosen):
        raise SystemExit(
            f"MPT_CHROMIUM is {chosen}, which is not a program: point it at Chromium or Chrome, or unset it."
        )
    found = find_browser(environ)
    if found is None and install:
        install_browser(
            environ,
            debian_root=is_debian_root() if debian_root is None else debian_root,
            python=python or sys.executable,
        )
        found = find_browser(environ)
    if found is None:
        raise SystemExit(NOT_FOUND)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description="Find (or install) the browser the browser tests drive.")
    parser.add_argument("--no-install", action="store_true", help="only look; never install a browser")
    args = parser.parse_args(argv)
    install = not args.no_install and os.environ.get("MPT_BROWSER_INSTALL", "1") != "0"
    print(f"Browser tests use {ensure_browser(install=install)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
