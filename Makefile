# The short verbs. `make run URL=...` and `make test` are the README's quickstart.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out
URL ?=
ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: install run demo serve dev test image-check bench lint format clean

install: $(STAMP)

# Reinstalls only when the pinned dependencies change.
$(STAMP): pyproject.toml scripts/install_browser.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	# The emulator pins an old protobuf that the Cloud Tasks client cannot use; its code runs on the new one.
	$(BIN)/pip install --quiet --no-deps gcloud-tasks-emulator==0.6.2
	VENV=$(VENV) sh scripts/install_browser.sh
	touch $(STAMP)

run: install
	@test -n "$(URL)" || { echo 'usage: make run URL=https://example.com [ARGS="--no-llm"]'; exit 2; }
	$(BIN)/cro-analyzer analyze "$(URL)" --json $(OUT)/report.json --screenshots $(OUT) --html $(OUT)/report.html $(ARGS)

demo: install
	$(BIN)/python scripts/demo.py --out $(OUT) $(ARGS)

serve: install
	$(BIN)/cro-analyzer serve --host $(HOST) --port $(PORT)

dev: install
	$(BIN)/python scripts/dev.py

# redis-server is checked on every run, not stamped: it is a system package that can come and go.
test: install
	sh scripts/install_test_tools.sh
	$(BIN)/pytest $(ARGS)

# Builds the image with buildah from a Debian stand-in base and runs every role with podman (root).
image-check: install
	$(BIN)/python scripts/image_check.py $(ARGS)

bench: install
	$(BIN)/python bench/capture.py
	$(BIN)/python bench/submit.py
	$(BIN)/python bench/llm_budget.py
	$(BIN)/python bench/load.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
