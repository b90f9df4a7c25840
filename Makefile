# Anjungan Desa: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Debian packages the tests and the demo need (Debian 12/13, Raspberry Pi OS).
APT_PACKAGES := chromium espeak-ng libgl1-mesa-dri libegl1 libgles2 libmtdev1 xvfb \
	fonts-dejavu-core postgresql systemd cloud-init
DATA ?= demo-data

.PHONY: setup apt venv translations demo test bench lint screenshots clean

setup: apt venv translations

apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "setup: Debian packages present"; \
	elif [ "$$(id -u)" = 0 ]; then echo "setup: installing $$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "setup: please run: sudo apt-get install -y $$missing"; fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

translations: venv
	@for d in edge_server/translations district/translations; do \
		[ ! -d $$d ] || $(VENV)/bin/pybabel compile -f -d $$d >/dev/null || exit 1; done
	@for po in $$(find kiosk/translations -name '*.po' 2>/dev/null); do \
		$(PY) -c "import sys; from babel.messages import pofile, mofile; c=pofile.read_po(open(sys.argv[1],'rb')); mofile.write_mo(open(sys.argv[1][:-3]+'.mo','wb'), c)" $$po; done

demo: setup
	$(PY) -m tools.demo --data-dir $(DATA)

test: setup
	SDL_VIDEODRIVER=offscreen KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1 KIVY_NO_FILELOG=1 \
		$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# Bytecode first, as a pip-installed release has it: under PYTHONDONTWRITEBYTECODE (the units set it) a checkout's
# modules would be compiled again at every start, and the kiosk's cold start would measure that.
bench: setup
	$(PY) -m compileall -q anjungan_core drivers edge_server kiosk district sdnotify > /dev/null
	@for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

lint: venv
	$(VENV)/bin/ruff check .

# The pictures in docs/screenshots: every kiosk screen at four panel sizes, the console, the board, the phone page.
# (The tests take the same kiosk screenshots into a temporary folder, so a test run leaves the checkout clean.)
screenshots: setup
	SDL_VIDEODRIVER=offscreen KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1 KIVY_NO_FILELOG=1 \
		ANJUNGAN_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots \
		$(PY) -m pytest -q -p no:cacheprovider tests/kiosk/test_screenshots.py
	$(PY) -m tools.console_screenshots

clean:
	rm -rf $(VENV) demo-data .pytest_cache
