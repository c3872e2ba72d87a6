# rhaz -- ratification hazard analysis.  See README.md.
#
#   make            build build/rhaz, build/librhaz.a and build/librhaz.so
#   make check      install missing dependencies, build, run every test
#   make check-asan the test suite under AddressSanitizer + UBSan
#   make demo       run the bundled analyses into out/
#   make docs-check run the commands of README, guide and man page, compare outputs
#   make docs-update write the programs' outputs into those documents
#   make install PREFIX=/usr/local
#   make deps       install Debian packages that are missing (root)

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN     = -Wall -Wextra -Werror
# Include paths and libraries of the dependencies from pkg-config where it
# knows them (gsl, json-c, openblas); libcsv and ReadStat ship no .pc file.
# GSL's own --libs would add its reference CBLAS (-lgslcblas): OpenBLAS
# provides CBLAS here, so only -lgsl is taken.
PKG_CONFIG ?= pkg-config
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs   = $(or $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null),$(2))
CPPFLAGS_RHAZ := -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                 -Iinclude -Isrc $(foreach p,gsl json-c openblas,$(call pkg_cflags,$(p)))
LDLIBS_RHAZ := -lgsl $(call pkg_libs,openblas,-lopenblas) -lcsv \
               $(call pkg_libs,json-c,-ljson-c) -lreadstat -lm -pthread
# The library's objects serve both librhaz.a and librhaz.so: position
# independent, and only what the public headers declare is visible
# (they say so with #pragma GCC visibility push(default)).
LIB_FLAGS = -fPIC -fvisibility=hidden
RHAZ_VERSION := $(shell sed -n 's/^\#define RHAZ_VERSION "\(.*\)"/\1/p' include/rhaz.h)
SONAME = librhaz.so.0
SAN     ?=

# chromium: make check renders the report page of rhaz run (tests/html/render.sh);
# parallel, munge, slurm-wlm: make check runs sharded bootstraps under GNU
# parallel and on a one-node Slurm cluster (tests/engines)
DEB_PKGS = libgsl-dev libopenblas-dev libcsv-dev libjson-c-dev libreadstat-dev gnuplot-nox pkg-config \
           chromium parallel munge slurm-wlm

LIB_SRC  := $(sort $(wildcard src/core/*.c src/data/*.c src/model/*.c \
                              src/plot/*.c src/report/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
SO_TEST  := $(BUILD)/tests/so_fit
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# The cluster engines (tests/engines/*.sh): GNU parallel and a single-node
# Slurm cluster the test starts itself (root); check-asan leaves them out.
ENGINE_TESTS ?= $(BUILD)/tests/engine_parallel $(BUILD)/tests/engine_slurm
HEADERS  := $(wildcard include/*.h include/rhaz/*.h src/*/*.h)

ALL_CFLAGS = $(CPPFLAGS_RHAZ) $(WARN) $(CFLAGS) $(SAN)

.PHONY: all check check-asan check-valgrind test demo deps install clean bench fuzz fuzz-build \
        docs-check docs-update

all: $(BUILD)/rhaz $(BUILD)/librhaz.a $(BUILD)/librhaz.so

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB_OBJ): ALL_CFLAGS += $(LIB_FLAGS)

# librhaz.so.0 with the link name librhaz.so beside it
$(BUILD)/$(SONAME): $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,$(SONAME) -o $@ $(LIB_OBJ) $(LDLIBS_RHAZ) $(LDFLAGS)

$(BUILD)/librhaz.so: $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

# A program that links only the shared library (make check runs it).
$(SO_TEST): tests/so/so_fit.c $(BUILD)/librhaz.so
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(BUILD) -lrhaz -Wl,-rpath,'$$ORIGIN/..' $(LDFLAGS)

$(BUILD)/librhaz.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/rhaz: $(CLI_OBJ) $(BUILD)/librhaz.a
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/librhaz.a $(LDLIBS_RHAZ) $(LDFLAGS)

$(BUILD)/tests/%: tests/%.c tests/harness.h tests/roundtrip.h $(BUILD)/librhaz.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(BUILD)/librhaz.a $(LDLIBS_RHAZ) $(LDFLAGS)

# Install what is missing, and only that (quick when all is present).
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' \
	    || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

# The documentation's commands as tests (tests/docs): test_docs runs every
# command of README.md, docs/guide.md and docs/rhaz.1 and compares what
# it prints; test_docs_self checks that this check fails when it should.
# test_html_render runs models/icmw.model from a folder outside the
# repository and renders its index.html in headless Chromium.
DOCS_TESTS := $(BUILD)/tests/test_docs $(BUILD)/tests/test_docs_self $(BUILD)/tests/test_html_render
$(BUILD)/tests/test_docs: tests/docs/docs-check.sh
$(BUILD)/tests/test_docs_self: tests/docs/selftest.sh
$(BUILD)/tests/test_html_render: tests/html/render.sh
$(DOCS_TESTS):
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec sh "%s/%s" --build "%s"\n' "$(CURDIR)" "$<" "$(BUILD)" > $@
	@chmod +x $@

$(BUILD)/tests/engine_%: tests/engines/%.sh
	@mkdir -p $(dir $@)
	cp $< $@ && chmod +x $@

test: $(BUILD)/rhaz $(TEST_BIN) $(SO_TEST) $(DOCS_TESTS) $(ENGINE_TESTS)
	@sh tests/so/exports.sh $(BUILD)/librhaz.so
	@BUILD=$(BUILD) sh tests/run.sh $(TEST_BIN) $(SO_TEST) $(DOCS_TESTS) $(ENGINE_TESTS)

# Run the documentation's commands and compare their outputs (also part
# of make check); docs-update writes the outputs (and docs/figures) back:
# read git diff before committing.
docs-check: deps all
	@sh tests/docs/docs-check.sh --build $(BUILD)

docs-update: deps all
	@sh tests/docs/docs-check.sh --build $(BUILD) --update

check: deps
	@$(MAKE) --no-print-directory test

check-asan: deps
	@$(MAKE) --no-print-directory test BUILD=build-asan OPT=-O1 ENGINE_TESTS= \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

$(BUILD)/genpanel: tests/bench/genpanel.c $(BUILD)/librhaz.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/librhaz.a $(LDLIBS_RHAZ) $(LDFLAGS)

# Benchmarks (not part of check): see scripts/bench.sh for the knobs.
bench: deps all $(BUILD)/genpanel
	@sh scripts/bench.sh

# valgrind memcheck on a representative subset of the tests (CI).
VALGRIND_TESTS ?= test_core test_json test_table test_modelfile test_regtable test_fitjson \
                  test_formula test_glm test_cox test_km test_data test_edge test_plot test_readstat \
                  test_survreg test_cure test_frailty test_predict_fam test_multiway
check-valgrind: deps $(BUILD)/rhaz $(TEST_BIN)
	@command -v valgrind >/dev/null || $(MAKE) --no-print-directory deps DEB_PKGS=valgrind
	@fail=0; for t in $(VALGRIND_TESTS); do \
	  [ -x $(BUILD)/tests/$$t ] || continue; \
	  if valgrind -q --error-exitcode=99 --leak-check=full \
	       --errors-for-leak-kinds=definite,indirect $(BUILD)/tests/$$t \
	       > $(BUILD)/tests/$$t.vg.out 2> $(BUILD)/tests/$$t.vg.err; then \
	    echo "valgrind $$t: clean ($$(tail -n 1 $(BUILD)/tests/$$t.vg.out))"; \
	  else echo "valgrind $$t: FINDINGS"; tail -n 30 $(BUILD)/tests/$$t.vg.err; fail=1; fi; \
	done; exit $$fail

demo: deps all
	@sh scripts/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	  $(DESTDIR)$(PREFIX)/include/rhaz $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/rhaz $(DESTDIR)$(PREFIX)/bin/rhaz
	install -m 644 $(BUILD)/librhaz.a $(DESTDIR)$(PREFIX)/lib/librhaz.a
	install -m 755 $(BUILD)/$(SONAME) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/librhaz.so
	install -m 644 include/rhaz.h $(DESTDIR)$(PREFIX)/include/rhaz.h
	install -m 644 include/rhaz/*.h $(DESTDIR)$(PREFIX)/include/rhaz/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(RHAZ_VERSION)|g' \
	  rhaz.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/rhaz.pc
	install -m 644 docs/rhaz.1 $(DESTDIR)$(PREFIX)/share/man/man1/rhaz.1
	# the bundled data, where an installed rhaz looks for it (BINDIR/../share/rhaz)
	install -d $(DESTDIR)$(PREFIX)/share/rhaz
	cp -R data/. $(DESTDIR)$(PREFIX)/share/rhaz/

clean:
	rm -rf build build-asan build-fuzz out

# Fuzzing (clang + libFuzzer): make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build-fuzz/%.o)

build-fuzz/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS_RHAZ) $(WARN) -O1 -g $(FUZZ_FLAGS) -c $< -o $@

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ)
	clang $(CPPFLAGS_RHAZ) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -o $@ $< $(FUZZ_LIB_OBJ) $(LDLIBS_RHAZ)

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); \
	  mkdir -p build-fuzz/corpus/$$n; \
	  seeds=tests/fuzz/seeds/$${n#fuzz_}; \
	  echo "== $$n for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=2048 \
	    -artifact_prefix=build-fuzz/ build-fuzz/corpus/$$n $$seeds 2>&1 | \
	    grep -E "^(Done|==|SUMMARY|artifact)|runtime error|#[0-9]+.*DONE" || exit 1; \
	done
.SECONDARY: $(FUZZ_LIB_OBJ)
