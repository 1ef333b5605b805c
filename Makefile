# tinysd — GNU make. `make` builds build/tinysd and its multi-call names; `make check` runs every test.
# Variants: `make asan` (ASan+UBSan, build-asan/), `make static` (musl, build-static/), `make fuzz`.
# Sources are found by wildcard: a new .c under src/ or tests/unit/ needs no Makefile edit.

BUILD    ?= build
CC       ?= cc
ifeq ($(origin CC),default)
CC       := gcc
endif
OPT      ?= -O2 -g
CFLAGS   ?=
WARN     := -Wall -Wextra -Werror -Wno-missing-field-initializers -Wshadow=local -Wvla -Wformat=2
BASEFLAGS:= -std=gnu11 $(OPT) $(WARN) -Isrc -D_GNU_SOURCE -fno-strict-aliasing -MMD -MP
LDFLAGS  ?=
LDLIBS   ?=
NAMES    := systemctl journalctl systemd-run

SRCS      := $(shell find src -name '*.c' | sort)
MAIN_SRC  := src/cli/main.c
LIB_SRCS  := $(filter-out $(MAIN_SRC),$(SRCS))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ  := $(MAIN_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRCS := $(sort $(wildcard tests/unit/test-*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all asan static fuzz check unit-tests integration-tests deps references demo clean bench install coverage-core
all: $(BUILD)/tinysd $(addprefix $(BUILD)/,$(NAMES))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libtinysd.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tinysd: $(MAIN_OBJ) $(BUILD)/libtinysd.a
	$(CC) $(BASEFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(addprefix $(BUILD)/,$(NAMES)): $(BUILD)/tinysd
	ln -sf tinysd $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtinysd.a
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libtinysd.a -lcmocka $(LDLIBS)

unit-tests: $(TEST_BINS)

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	        LDFLAGS="-fsanitize=address,undefined" all unit-tests

# Lines of the core state machines the in-process tests execute, per file (build-cov/, gcc --coverage).
coverage-core:
	sh tests/unit/core-coverage.sh

static:
	@[ ! build-static/tinysd -ot tools/pid1-layout.ld ] || rm -f build-static/tinysd   # relink with a new layout
	$(MAKE) BUILD=build-static CC=musl-gcc OPT="-Os -g0 -fno-pie -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections" \
	        LDFLAGS="-static -no-pie -Wl,--gc-sections -Wl,-Map=build-static/tinysd.map -Wl,-T,tools/pid1-layout.ld" all
	@file build-static/tinysd | grep -q 'statically linked' && echo "build-static/tinysd: static, $$(stat -c %s build-static/tinysd) bytes"

# libFuzzer targets: tests/fuzz/fuzz-*.c, built with clang; tests/run-fuzz.sh runs them, each input
# within a time and memory limit.
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz-*.c))
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang WARN="-Wall -Wextra -Werror -Wno-missing-field-initializers -Wvla" OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libtinysd.a
	@mkdir -p build-fuzz/fuzz
	for f in $(FUZZ_SRCS); do n=$$(basename $$f .c); \
	  clang -std=gnu11 -O1 -g -Isrc -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined $$f build-fuzz/libtinysd.a -o build-fuzz/fuzz/$$n || exit 1; done

deps:
	@sh tools/install-deps.sh

# systemd's own rootfs and a journald-written journal for the comparison tests (cached in /var/tmp)
references:
	sh tools/prepare-references.sh

check: deps
	$(MAKE) all unit-tests
	$(MAKE) asan
	sh tests/run-unit-tests.sh build
	sh tests/run-unit-tests.sh build-asan
	$(MAKE) static
	$(MAKE) fuzz
	sh tests/run-fuzz.sh
	$(MAKE) references
	TINYSD=$(CURDIR)/build/tinysd TINYSD_ASAN=$(CURDIR)/build-asan/tinysd TINYSD_STATIC=$(CURDIR)/build-static/tinysd \
	        /usr/bin/python3 -m pytest -q tests/integration

demo: all
	@sh tools/demo.sh

bench: all
	@sh bench/run.sh

# The static build is installed when there is one (brought up to date first): it is what runs in any
# image; else the normal build. The man page tinysd(8) goes with it.
PREFIX ?= /usr/local
DESTDIR ?=
MANDIR ?= $(PREFIX)/share/man
install:
	@if [ -e build-static/tinysd ]; then $(MAKE) static; else $(MAKE) all; fi
	src=$$([ -e build-static/tinysd ] && echo build-static/tinysd || echo $(BUILD)/tinysd); \
	  echo "installing $$src"; install -Dm755 $$src $(DESTDIR)$(PREFIX)/sbin/tinysd
	for n in $(NAMES); do ln -sf tinysd $(DESTDIR)$(PREFIX)/sbin/$$n; done
	install -Dm644 docs/tinysd.8 $(DESTDIR)$(MANDIR)/man8/tinysd.8

clean:
	rm -rf build build-asan build-static build-fuzz build-cov

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
