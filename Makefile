# graphdraw developer / CI entry points (GNU make).
#
#   make venv      create .venv and install graphdraw[test] (also installs Graphviz's dot)
#   make test      run the test suite
#   make demo      render the built-in default model to SVG in the current directory
#   make diagrams  regenerate diagrams/
#   make bench     run bench/bench.py
#   make fuzz      fuzz every command for FUZZ_MINUTES (30) minutes, corpus in .fuzz-corpus/
#   make clean     remove .venv, build artifacts and caches

PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# Local wheel directory holding torch-2.13.0+cpu on these machines; used when present.
WHEELS ?= /opt/wheels

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export DEBIAN_FRONTEND := noninteractive

PIP_FLAGS := -c constraints.txt $(if $(wildcard $(WHEELS)),--find-links $(WHEELS))

# Install Debian package(s) $(1) as root, via non-interactive sudo, or fail with a hint.
define apt_install
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update && apt-get install -y $(1); \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo -n apt-get update && sudo -n DEBIAN_FRONTEND=noninteractive apt-get install -y $(1); \
	else \
		echo "$(2)" >&2; exit 1; \
	fi
endef

FUZZ_MINUTES ?= 30
FUZZ_CORPUS ?= .fuzz-corpus

.PHONY: venv install test-tools demo test diagrams bench fuzz clean

venv install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml constraints.txt
	@command -v dot >/dev/null 2>&1 || { \
		echo "Graphviz's dot not found; installing graphviz"; \
		$(call apt_install,graphviz,graphdraw needs Graphviz's dot: run 'sudo apt-get install graphviz'); \
	}
	@$(PY) -m venv $(VENV) 2>/dev/null || { \
		rm -rf $(VENV); \
		echo "$(PY) -m venv does not work; installing python3-venv"; \
		$(call apt_install,python3-venv,graphdraw needs Python's venv module: run 'sudo apt-get install python3-venv'); \
		$(PY) -m venv $(VENV); \
	}
	$(VENV)/bin/pip install $(PIP_FLAGS) -e '.[test]'
	touch $@

demo: $(STAMP)
	$(VENV)/bin/graphdraw render --format svg

# What only the tests need: a minimal TeX (to compile the TikZ output) and Chromium (to
# open the HTML output in a real browser). Both come from Debian's packages.
test-tools:
	@command -v pdflatex >/dev/null 2>&1 && kpsewhich standalone.cls >/dev/null 2>&1 || { \
		echo "installing a minimal TeX for the TikZ tests"; \
		$(call apt_install,texlive-latex-base texlive-pictures texlive-latex-extra,the tests need pdflatex: run 'sudo apt-get install texlive-latex-base texlive-pictures texlive-latex-extra'); \
	}
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Chromium for the HTML tests"; \
		$(call apt_install,chromium,the tests need Chromium: run 'sudo apt-get install chromium'); \
	}

test: $(STAMP) test-tools
	$(VENV)/bin/python -m pytest -q

diagrams: $(STAMP)
	$(VENV)/bin/python -m graphdraw.gallery

bench: $(STAMP)
	$(VENV)/bin/python bench/bench.py

# The long fuzzing run; `make test` runs the same properties briefly (tests/fuzz/test_fuzz.py).
fuzz: $(STAMP)
	PYTHONPATH=$(CURDIR) $(VENV)/bin/python tests/fuzz/run.py --minutes $(FUZZ_MINUTES) \
		--corpus $(FUZZ_CORPUS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
