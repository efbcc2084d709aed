# veche: the two commands a new machine needs.
#   make run    install what is missing, build, start veche with a demo city
#   make test   the same set-up, then every test (sanitizers, fuzz, API, browser)
# Other targets: build, fuzz (long fuzzing), bench, bench-text, bench-limits,
# screenshots
# (docs/screenshots/ from the browser tests), clean.

DB      ?= veche.db
LISTEN  ?= 127.0.0.1:8080
JOBS    ?= $(shell nproc)
FUZZ_SECONDS ?= 600

.PHONY: all deps build run test test-build fuzz bench bench-text bench-limits screenshots clean

all: build

deps:
	@scripts/deps.sh

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVECHE_TESTS=OFF
	cmake --build build -j $(JOBS)

run: build
	./build/veche serve --db $(DB) --listen $(LISTEN) --demo

test-build: deps
	CC=clang cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug \
	    -DVECHE_SANITIZE=ON -DVECHE_WERROR=ON -DVECHE_FUZZ=ON
	cmake --build build-test -j $(JOBS)

test: test-build
	cd build-test && ctest --output-on-failure -j $(JOBS)

# Long fuzzing (docs/testing.md): each target to FUZZ_RUNS executions or
# FUZZ_SECONDS seconds; ends with a table of runs and corpus kept.
fuzz: test-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# Pictures of the main pages for docs/screenshots/ (docs/web.md).
screenshots: build
	VECHE_BIN=build/veche VECHE_SCREENSHOTS=1 node --test tests/e2e/

bench: build
	@scripts/deps.sh bench
	bench/run.sh

bench-text: build
	@scripts/deps.sh bench
	bench/text/run.sh

bench-limits: build
	python3 bench/limits.py

clean:
	rm -rf build build-test
