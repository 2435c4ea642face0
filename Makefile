# Everything a fresh machine needs, from the project's own files.
#   make run    install, then run gbdocs on the bundled samples (output in out/)
#   make test   install, then lint (ruff) and test (pytest)
# PYTHON picks the interpreter for the virtual environment (>= 3.11).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint samples clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("gbdocs needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@for pdf in samples/*.pdf; do \
		name=$$(basename $$pdf .pdf); \
		$(BIN)/gbdocs extract $$pdf --out out/$$name || exit 1; \
	done
	$(BIN)/gbdocs inspect samples/*.pdf --png --quiet --out out/inspect
	@echo "Validated tables in out/<sample>/ (*.csv, datapackage.json, validation.html); page models and PNGs in out/inspect/<sample>/"

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

# Rebuilds the sample PDFs (needs LibreOffice and fonts-noto-cjk); see samples/README.md.
samples: $(STAMP)
	$(BIN)/python samples/build.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
