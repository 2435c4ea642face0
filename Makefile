# Everything a fresh machine needs, from the project's own files.
#   make run    install, then ingest the bundled samples with gbdocs (output in out/)
#   make test   install, then lint (ruff) and test (pytest)
# PYTHON picks the interpreter for the virtual environment (>= 3.11).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint samples corpus-deps corpus corpus-ci corpus-check real bench fuzz calc-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("gbdocs needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/gbdocs ingest samples/*.pdf --out out
	$(BIN)/gbdocs inspect samples/*.pdf --png --quiet --out out/inspect
	@echo "Validated tables of all samples: out/*.csv + out/datapackage.json + out/validation.html; catalog: out/gbdocs.duckdb;"
	@echo "page models and PNGs: out/inspect/<sample>/. Run 'make run' again: every file is skipped."

lint: $(STAMP)
	$(BIN)/ruff check .

# The tests run on every core (pytest-xdist), a module on one worker so that its fixtures
# (an ingest of the real documents, the corpus sample) are made once; TEST_JOBS=0: one process.
TEST_JOBS ?= auto
test: lint
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadfile

# Rebuilds the sample PDFs (needs LibreOffice and fonts-noto-cjk); see samples/README.md.
samples: $(STAMP)
	$(BIN)/python samples/build.py

# The generated corpus: every sample source through four producers in random layouts
# (needs the producers' engines: see samples/README.md), then gbdocs held to it.
CORPUS ?= out/corpus
CORPUS_STAMP := $(VENV)/.corpus-stamp

$(CORPUS_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[corpus,dev]'
	touch $(CORPUS_STAMP)

# Debian packages and the npm package the producers drive (as root, on Debian/Ubuntu; npm from Node.js).
corpus-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui hyphen-en-us \
	  texlive-xetex texlive-lang-chinese texlive-latex-extra chromium poppler-utils fontconfig \
	  fonts-noto-cjk fonts-noto-core fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai \
	  fonts-arphic-uming fonts-dejavu fonts-liberation2 fonts-texgyre
	mkdir -p $(HOME)/.cache/gbdocs/pagedjs && cp samples/gen/producers/package.json $(HOME)/.cache/gbdocs/pagedjs/ \
	  && npm install --silent --prefix $(HOME)/.cache/gbdocs/pagedjs

corpus: $(CORPUS_STAMP)
	$(BIN)/python samples/build_corpus.py --out $(CORPUS)

# Rebuild the fixed sample committed in samples/corpus/ that the CI test runs.
corpus-ci: $(CORPUS_STAMP)
	$(BIN)/python samples/build_corpus.py --ci

corpus-check: $(STAMP)
	$(BIN)/python tests/corpus_check.py $(CORPUS) --misses $(CORPUS)/misses.txt

# Real UN documents against their hand-checked documents lines (samples/real/expected/);
# REAL=../shared/real runs the whole corpus of 58.
REAL ?= samples/real
real: $(STAMP)
	$(BIN)/python tests/real_check.py $(REAL)

# Robustness: FUZZ_CASES seeded mutations of sample, generated and real PDFs (about two and a
# half hours for 10000 on two idle cores); report in out/fuzz/. An interrupted run goes on
# with `make fuzz FUZZ_ARGS=--resume`. CI runs a fixed subset (tests/test_fuzz.py).
FUZZ_CASES ?= 10000
FUZZ_SEED ?= 1
FUZZ_ARGS ?=
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz.py --cases $(FUZZ_CASES) --seed $(FUZZ_SEED) --validate-every 10 --out out/fuzz $(FUZZ_ARGS)

# What LibreOffice Calc shows of `ingest --excel` (the workbook and each CSV), cell by cell,
# against the tables; needs LibreOffice Calc (apt-get install libreoffice-calc-nogui).
calc-check: $(STAMP)
	$(BIN)/python tests/calc_check.py

# Speed and memory against pdftotext and bare pdfplumber (a few minutes; see benchmarks/).
bench: $(STAMP)
	$(BIN)/python benchmarks/ingest_bench.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
