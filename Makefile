# cunzhen: make install | demo | test | fuzz | bench | lm
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
SHARED := ../shared
EXAMPLE := $(SHARED)/examples/000_54dc450ac175ef12.txt

.PHONY: install demo test fuzz bench lm loso tables reference glyphs lint

install: $(VENV)/.installed

# System packages (boost for KenLM's trainer, Chromium for the browser test), KenLM's lmplz/build_binary
# built from the PyPI sdist into the venv, then the project with every extra.
$(VENV)/.installed: pyproject.toml tools/install_system_packages.sh tools/build_kenlm.sh
	bash tools/install_system_packages.sh
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	bash tools/build_kenlm.sh $(BIN)
	$(BIN)/pip install -q -e '.[all,dev]'
	touch $@

demo: install
	@mkdir -p out
	$(BIN)/cunzhen clean $(EXAMPLE) -o out/example.cleaned.jsonl
	$(BIN)/python tools/show_record.py out/example.cleaned.jsonl

test: install
	$(BIN)/ruff check src tests tools bench
	$(BIN)/pytest -q

# Longer fuzzing than make test's bounded run (issue 14): the hypothesis properties with FUZZ_EXAMPLES examples
# each on random seeds, then every atheris target for FUZZ_SECONDS (10 minutes each by default: about 80
# minutes in all). Crashes are kept in test-artifacts/fuzz/; each becomes a regression test in tests/test_fuzz.py.
FUZZ_EXAMPLES ?= 2000
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= jsonl gzip decode html warc parquet source
fuzz: install
	mkdir -p test-artifacts/fuzz
	CUNZHEN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q tests/test_fuzz.py
	for target in $(FUZZ_TARGETS); do \
		$(BIN)/python tools/fuzz_atheris.py $$target -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
			-artifact_prefix=test-artifacts/fuzz/$$target- || exit 1; \
	done

bench: install
	$(BIN)/python bench/run.py --out BENCHMARKS.md

# Rebuild the bundled language model: bench/loso.py's recipe on the train split of all twelve sources of
# ../shared/corpus and ../shared/corpus-ood (59M characters; 1.5 minutes on an idle core, 5 on a busy machine).
lm: install
	PYTHONPATH=src nice $(BIN)/python bench/loso.py --all --out src/cunzhen/data/lm/zh-char5.bin

# Prebuild the leave-one-source-out character models the benchmark measures with (bench/loso.py; cached in
# bench/.cache/lm/ by a hash of recipe and corpus, so a second run is instant; about 1.5 minutes per model).
loso: install
	PYTHONPATH=src nice $(BIN)/python bench/loso.py --all

# Rebuild the miner's reference frequencies of clean Chinese from the train split of ../shared/corpus (~15 s),
# then record its checksum.
reference: install
	$(BIN)/python tools/build_reference.py -o src/cunzhen/data/reference_freq.tsv.gz
	bash tools/update_checksums.sh

# Rebuild src/cunzhen/data/family_tables.tsv from the engine tables read off real farm pages in
# ../shared/realpages/tables, and the data checksums.
tables:
	python3 tools/import_family_tables.py
	bash tools/update_checksums.sh

# Rebuild src/cunzhen/data/glyph_lookalikes.tsv (the common Han characters a CJK font draws most like each Greek
# and Cyrillic letter; the font is Debian's fonts-wqy-microhei, installed by make install), then the checksums.
glyphs: install
	PYTHONPATH=src $(BIN)/python tools/build_glyph_lookalikes.py
	bash tools/update_checksums.sh

lint: install
	$(BIN)/ruff check src tests tools bench
	$(BIN)/ruff format --check src tests tools bench
