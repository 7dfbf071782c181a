# One entry point for people and CI. Everything runs inside .venv, created on demand.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
TS     := $(wildcard resources/i18n/*.ts)
QM     := $(TS:.ts=.qm)

.PHONY: run test lint typecheck licences notices pytest bench translations sandbox demo-data clean dist dist-test system-deps-run system-deps-test system-deps-bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,sandbox,dist,bench]'
	touch $(STAMP)

resources/i18n/%.qm: resources/i18n/%.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

## make licences: every runtime dependency's licence is allowed (no GPL/AGPL); writes the
## third-party notices and the build's commit that the About dialog shows and dist bundles
licences notices: $(STAMP)
	$(PY) -m devtools.licences --write resources/third_party.json --build-info resources/build_info.json \
		--text build/THIRD-PARTY-NOTICES.txt

## system packages (Debian/Ubuntu) that run and test need: checked, installed when missing
## (apt-get, with sudo when not root), or the one command to run is printed
system-deps-run:
	@devtools/system_packages.sh run

system-deps-test:
	@devtools/system_packages.sh test

system-deps-bench:
	@devtools/system_packages.sh bench

## make run: start the sandbox platform with demo data and open the workstation against it
run: system-deps-run $(STAMP) translations notices
	$(PY) main.py --with-sandbox --sandbox-region 510100 --sandbox-region 510700

## make sandbox: only the reference platform, on port 8765
sandbox: $(STAMP)
	$(PY) -m sandbox serve --port 8765

## make test: lint, types, the frozen build's smoke test, then the whole test suite headless
test: system-deps-test lint typecheck licences dist-test pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP) translations notices
	devtools/oidc_provider.sh
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

## make bench: run every benchmark and write bench/results.json
bench: system-deps-bench $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

## make dist: PyInstaller one-folder build in dist/hr-workstation and a .deb beside it
dist: $(STAMP) translations notices
	$(VENV)/bin/pyinstaller installer/workstation.spec --noconfirm --log-level WARN \
		--distpath dist --workpath build/pyinstaller
	installer/linux/build_deb.sh $$($(PY) -c "import workstation; print(workstation.__version__)")

## make dist-test: build, then launch the frozen program headless and render with it
dist-test: dist
	QT_QPA_PLATFORM=offscreen $(PY) installer/smoke_test.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(QM) build dist \
		resources/third_party.json resources/build_info.json
