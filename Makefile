# minwon - the two commands of the quick start are `make run` and `make test`.
# Both install what is missing (scripts/deps.sh, apt-get), then build.

BUILD      ?= build
ASAN_BUILD ?= build-asan
DB         ?= var/demo.db
LISTEN     ?= 127.0.0.1:8080
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
PYTHON     ?= /usr/bin/python3

E2E        ?= tests/e2e

.PHONY: all build deps-run deps-test deps-bench run test unit asan integration e2e screenshots bench clean

all: build

deps-run:
	@sh scripts/deps.sh run
deps-test:
	@sh scripts/deps.sh test
deps-bench:
	@sh scripts/deps.sh bench

$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

# make run: a demo database and a routing model (trained on the built-in
# corpus) on first use, then the server in the foreground.
run: deps-run
	@$(MAKE) --no-print-directory build
	@mkdir -p $(dir $(DB))
	@if [ ! -f $(DB) ]; then $(BUILD)/minwon demo --db $(DB); fi
	@if [ ! -f $(DB).model ]; then $(BUILD)/minwon nlp train --out $(DB).model; fi
	$(BUILD)/minwon serve --db $(DB) --listen $(LISTEN)

test: deps-test
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory unit asan integration e2e

unit:
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The unit tests and the API tests once more under AddressSanitizer + UBSan.
asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DMW_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS)
	MINWON_BIN=$(CURDIR)/$(ASAN_BUILD)/minwon MINWON_ASAN=1 $(PYTHON) tests/integration/run.py --quick

integration:
	MINWON_BIN=$(CURDIR)/$(BUILD)/minwon $(PYTHON) tests/integration/run.py

# The pages in a real browser: Debian's chromium driven by playwright-core
# (tests/e2e/package-lock.json; npm ci runs when the lock file changed).
$(E2E)/node_modules/.package-lock.json: $(E2E)/package-lock.json
	cd $(E2E) && npm ci --no-audit --no-fund

e2e: $(E2E)/node_modules/.package-lock.json
	MINWON_BIN=$(CURDIR)/$(BUILD)/minwon node $(E2E)/run.mjs

# Renews the screenshots of docs/screenshots/ (shown in the README).
screenshots: $(E2E)/node_modules/.package-lock.json
	E2E_SCREENSHOTS=1 MINWON_BIN=$(CURDIR)/$(BUILD)/minwon node $(E2E)/run.mjs

bench: deps-bench
	@$(MAKE) --no-print-directory build
	sh bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
