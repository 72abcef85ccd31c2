# designkit - a thin wrapper over CMake. `make run` and `make test` work on a fresh Debian 12
# machine: they install what is missing (apt-get), configure, build, then run or test.

BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# CI (and anyone who asks) builds with -Werror.
WERROR     ?= $(if $(CI),ON,OFF)
CMAKE_ARGS ?=
# Where `make install` puts things: PREFIX/bin, PREFIX/lib, PREFIX/include, PREFIX/share/lua/5.4.
# DESTDIR stages the install under another root (for packaging): DESTDIR/PREFIX/...
PREFIX     ?= /usr/local
DESTDIR    ?=

# The build prints only what needs reading (compiler warnings and errors): no progress lines, no
# "Entering directory". VERBOSE=1 shows every step and every command line.
BUILD_MESSAGES := $(if $(VERBOSE),ON,OFF)
QUIET_CMAKE    := -DCMAKE_RULE_MESSAGES=$(BUILD_MESSAGES) -DCMAKE_TARGET_MESSAGES=$(BUILD_MESSAGES)
MAKEFLAGS      += --no-print-directory

# Debian packages the build and the tests need (python3 checks our JSON with an independent
# parser, python3-jsonschema against schemas/; luarocks builds the rock); python3-simpy only
# serves the benchmark.
PACKAGES   := cmake pkg-config gcc make liblua5.4-dev lua5.4 libgraphviz-dev libcjson-dev check python3 \
              python3-jsonschema luarocks libxml2-utils locales
BENCH_PACKAGES := python3-simpy libck-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps bench-deps configure build run test asan tsan valgrind fuzz docs install bench format clean help

all: build

help:
	@echo "make run      install what is missing, build, run the URL-shortener design"
	@echo "make test     install what is missing, build, run every test"
	@echo "make asan     the tests again under AddressSanitizer + UndefinedBehaviorSanitizer"
	@echo "make tsan     the threaded tests (names matching TSAN_TESTS) under ThreadSanitizer"
	@echo "make valgrind the CLI's main paths under valgrind: no error, no leak of our own"
	@echo "make fuzz     the libFuzzer targets in tests/fuzz, FUZZ_SECONDS each (clang)"
	@echo "make bench    the benchmarks (tests/bench), side by side with their baselines"
	@echo "make docs     rewrite the outputs and the diagram the docs quote (after the numbers move)"
	@echo "make install  install library, headers, designkit.pc, the CLI and the Lua module"
	@echo "               under PREFIX (default /usr/local): make install PREFIX=\$$HOME/.local"
	@echo "               DESTDIR=/stage stages it under /stage/PREFIX for packaging"
	@echo "VERBOSE=1     show every build step (the build prints only warnings and errors)"

# Installs only the packages that are not installed yet, so a ready machine pays nothing.
deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	    | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

bench-deps:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(BENCH_PACKAGES)"

# PREFIX goes into the configuration too, so that GNUInstallDirs picks the library folder that
# suits it (lib/x86_64-linux-gnu under /usr on Debian, lib elsewhere).
configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDK_WERROR=$(WERROR) \
	    -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(QUIET_CMAKE) $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	@mkdir -p out
	./$(BUILD)/designkit run models/hld/url_shortener.lua --json out/url_shortener.json
	./$(BUILD)/designkit draw models/hld/url_shortener.lua -o out/url_shortener.svg
	@echo "wrote out/url_shortener.json and out/url_shortener.svg"

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDK_SANITIZE=ON -DDK_WERROR=$(WERROR) \
	    $(QUIET_CMAKE) $(CMAKE_ARGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ctest --output-on-failure -j$(JOBS)

# The threaded blocks under ThreadSanitizer: only their own test programs are built (TSan slows
# everything down and the rest of the suite runs single-threaded).
TSAN_TESTS   ?= core/test_parking|core/test_atm_threads|core/test_bqueue|core/test_ring_stress|core/test_sync|core/test_rwlock|core/test_pool|core/test_cmap|core/test_lockorder|lua/thread_spec|lua/pool_spec|lua/queue_threads_spec|lua/sync_threads_spec
TSAN_TARGETS ?= test_parking test_atm_threads test_bqueue test_ring_stress test_sync test_rwlock test_pool test_cmap test_lockorder designkit_cli
tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDK_WERROR=$(WERROR) \
	    -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
	    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
	    $(QUIET_CMAKE) $(CMAKE_ARGS) >/dev/null
	@cmake --build $(TSAN_BUILD) -j$(JOBS) --target $(TSAN_TARGETS)
	@cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	    ctest --output-on-failure -R '$(TSAN_TESTS)'

valgrind: build
	@$(MAKE) --no-print-directory deps PACKAGES="valgrind"
	@bash tests/valgrind.sh $(BUILD)

FUZZ_SECONDS ?= 60
# Every tests/fuzz/fuzz_<name>.c is a target, fed from tests/fuzz/corpus/<name>. The library is
# instrumented too (DK_FUZZ), so the fuzzers see the parsers' coverage. Each target starts from a
# copy of its committed corpus, so a run never edits the repository; a crash stops `make fuzz`
# with the input saved in build-fuzz/. Graphviz's own leaks are suppressed as in `make asan`.
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_ENV := ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp
fuzz:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) clang libclang-rt-14-dev"
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDK_FUZZ=ON $(QUIET_CMAKE) >/dev/null
	@cmake --build build-fuzz -j$(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	    echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    rm -rf build-fuzz/corpus-$$t && cp -r tests/fuzz/corpus/$$t build-fuzz/corpus-$$t && \
	    (cd build-fuzz && $(FUZZ_ENV) ./tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	        -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 corpus-$$t >fuzz-$$t.log 2>&1); \
	    rc=$$?; grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units' build-fuzz/fuzz-$$t.log; \
	    [ $$rc -eq 0 ] || { tail -60 build-fuzz/fuzz-$$t.log; exit 1; }; \
	done

# --prefix as well as the configured prefix: a build configured before PREFIX was given (or by
# hand) still installs where this command line says.
install: build
	@DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX) >/dev/null
	@echo "installed under $(DESTDIR)$(PREFIX): bin/designkit, the libraries, headers, designkit.pc, the Lua module, the JSON Schemas"

bench: bench-deps build
	@bash tests/bench/run.sh $(BUILD)

# After a change that moves the numbers: rewrite the outputs and the diagram the docs quote.
docs: build
	@bash docs/regenerate.sh ./$(BUILD)/designkit

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) build-fuzz out
