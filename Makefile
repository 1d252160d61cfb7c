# MPT: `make run` serves a demo site; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# xdist processes for the suite (0 runs it in one process). Each process has
# its own test database, cache prefix and Celery queue (mpt/testing.py).
TEST_WORKERS ?= 2

.PHONY: run test install install-dev lint vendor migrate clean e2e

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Migrates, loads the demo data, then serves it with a Celery worker and beat
# beside the site, on a broker and a cache kept in files under .run/ (no
# services needed); mailed links point at this port. Ctrl-C stops all of it.
run: install
	DJANGO_DEBUG=1 MPT_DEV_BROKER=filesystem $(BIN)/python manage.py rundemo 127.0.0.1:$(PORT)

# Tests that start real Celery workers and SMTP servers (marked `broker`), and
# the one that starts `make run`'s own set-up (marked `demo`), run after the
# rest, one at a time: they are reliable that way and not beside another
# process's workers.
# Both first find (or install) the browser the browser tests drive, and stop
# with one line saying what to install if there is none.
test: install-dev
	$(BIN)/python scripts/ensure_browser.py
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not broker and not demo" $(PYTEST_ARGS)
	$(BIN)/pytest -m "broker or demo" $(PYTEST_ARGS)

e2e: install-dev
	$(BIN)/python scripts/ensure_browser.py
	$(BIN)/pytest e2e $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

# Copy the pinned front-end files (package.json) into static/vendor/ and e2e/vendor/.
vendor:
	npm install --no-audit --no-fund --ignore-scripts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/sortablejs/Sortable.min.js static/vendor/sortablejs/
	cp node_modules/axe-core/axe.min.js e2e/vendor/

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
