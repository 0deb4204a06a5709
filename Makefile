# The briefing book. Two commands on a fresh Debian machine:
#   make        install what is missing, then build HTML and PDF
#   make test   the test suite
# Installs are stamped in .stamps/: a second `make` installs nothing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := all

VENV    := .venv
PY      := $(VENV)/bin/python
STAMPS  := .stamps
OUT     := _build

# Debian packages: Chromium renders Mermaid and runs the browser tests; TeX builds the PDF
# (without texlive-fonts-recommended the LaTeX build fails on font pzdr); poppler-utils
# reads the PDF in tests; epubcheck validates the EPUB.
APT_PACKAGES := chromium texlive-xetex texlive-latex-extra texlive-fonts-recommended \
                latexmk fonts-dejavu-core poppler-utils epubcheck

export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export PUPPETEER_SKIP_DOWNLOAD := 1
export PUPPETEER_EXECUTABLE_PATH := /usr/bin/chromium
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: all install html pdf epub singlehtml onefile test live linkcheck bench clean distclean lock publish-labels publish

all: html pdf

install: $(STAMPS)/apt $(STAMPS)/venv $(STAMPS)/npm

$(STAMPS):
	mkdir -p $@

# Only the packages that are absent, after one apt-get update.
$(STAMPS)/apt: Makefile | $(STAMPS)
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null && command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  sudo_cmd=""; [ "$$(id -u)" = 0 ] || sudo_cmd="sudo"; \
	  $$sudo_cmd apt-get update -q; \
	  DEBIAN_FRONTEND=noninteractive $$sudo_cmd apt-get install -y -q --no-install-recommends $$missing; \
	else echo "apt: all packages present"; fi
	touch $@

$(STAMPS)/venv: pyproject.toml requirements.lock | $(STAMPS)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.lock 2> >(grep -v "is ignored: it is neither" >&2)
	$(PY) -m pip install -q --no-deps -e . 2> >(grep -v "is ignored: it is neither" >&2)
	touch $@

$(STAMPS)/npm: package.json package-lock.json $(STAMPS)/apt | $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

html: install
	$(PY) tools/build.py html

pdf: install
	$(PY) tools/build.py pdf

# EPUB with diagrams as SVG image files; published only if epubcheck finds no error.
epub: install
	$(PY) tools/epub.py

singlehtml: install
	$(PY) tools/build.py singlehtml

# The whole book as one self-contained HTML file (_build/onefile/briefing.html).
onefile: install
	$(PY) tools/onefile.py

# The fact-check sheet (_build/factcheck/index.html; needs the source texts): every claim
# beside the full text of the paragraphs it cites; prints claims reviewed, changed since
# review and never reviewed. After checking, record the files you checked as reviewed:
#   make review DOCS="docs/actors/armenia.md docs/summary.md"     (or DOCS=--all)
.PHONY: factcheck review
factcheck: install
	$(PY) tools/build.py factcheck

review: factcheck
	$(PY) -m briefing.reviews $(DOCS)

test: install
	$(PY) -m pytest

# Authors' quick check (well under a minute once built): the strict HTML build, which checks
# the data against its schemas, every citation, quotation and label, then the tests of the
# data, the registers and the dependencies. `make test` runs everything (PDF, browser, formats).
.PHONY: check
check: install
	$(PY) tools/build.py html
	$(PY) -m pytest -n 0 -q tests/test_content_registers.py tests/test_data_files.py tests/test_dependencies.py

live: install
	$(VENV)/bin/sphinx-autobuild -c . docs $(OUT)/live --host 127.0.0.1 --port 8000

# Internal links strictly (LinkChecker over the HTML served on 127.0.0.1); external
# URLs listed and tried by Sphinx's linkcheck, not fatal offline.
linkcheck: install
	$(PY) tools/linkcheck.py

bench: install
	$(PY) tools/bench.py

# Every page at 1280 px (light, dark) and 375 px, as PNG files in _build/screenshots/, to look at.
.PHONY: screenshots
screenshots: html
	$(PY) tools/screenshots.py

# Refresh docs/_data/quotations.json (the record that lets a build without the source texts
# check every quotation): a verifying build, the only one allowed to write into docs/.
.PHONY: quotations
quotations: install
	$(PY) tools/build.py html -- -D briefing_update_quotation_record=1

# The published site: this edition under SITE/<version>/ (HTML, PDF and EPUB side by side),
# every edition published before kept exactly as it was, the newest copied to SITE/latest/.
# The address comes from BRIEFING_BASE_URL or pyproject.toml (tools/publish.py).
SITE ?= $(OUT)/site
publish: install
	$(PY) tools/build.py html
	$(PY) tools/build.py pdf
	$(PY) tools/epub.py
	$(PY) tools/publish.py --out $(OUT) --site $(SITE)

# Maintainers, for a new edition: refresh docs/_data/published-labels.txt from a clean build
# (stops if a published label vanished without a redirect in docs/_data/redirects.yaml).
publish-labels: html
	$(PY) tools/publish_labels.py --html $(OUT)/html

# Re-resolve the Python lock from pyproject.toml (maintainers only; needs the registry).
lock:
	rm -rf $(OUT)/lockvenv && python3 -m venv $(OUT)/lockvenv
	$(OUT)/lockvenv/bin/pip install -q ".[dev]"
	{ echo "# Generated by 'make lock' from pyproject.toml (pip freeze of a clean resolve). Do not edit."; \
	  $(OUT)/lockvenv/bin/pip freeze --exclude-editable | grep -v '^armenia-russia-briefing'; } > requirements.lock
	rm -rf $(OUT)/lockvenv

# Outputs only: the diagram cache (.cache/) survives.
clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf $(VENV) node_modules .cache $(STAMPS) *.egg-info
