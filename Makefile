# leadq - short commands over the Meson build.
#   make          build (installs missing Debian packages first)
#   make test     every test: unit, command, unit again under ASan+UBSan,
#                 and each libFuzzer target for FUZZ_TIME seconds
#   make fuzz     build the libFuzzer targets (clang) and run them
#                 (FUZZ_TIME=600 make fuzz for a longer campaign)
#   make demo     build, load the demo data, show it
#   make bench    the benchmark harness
BUILD := build
ASAN := build-asan
FUZZ := build-fuzz
FUZZ_TIME ?= 25
FUZZ_TARGETS := fuzz_expr fuzz_model fuzz_event fuzz_segment fuzz_csv fuzz_json_attrs fuzz_http
DATA ?= ../shared/data

.PHONY: all build asan fuzz-build fuzz test demo bench bootstrap clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) >/dev/null
	@ninja -C $(BUILD) --quiet

asan: bootstrap
	@[ -f $(ASAN)/build.ninja ] || meson setup $(ASAN) \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@ninja -C $(ASAN) --quiet

# The fuzz build: clang, ASan+UBSan, and libFuzzer's coverage on the core
# and server libraries too (fuzz/meson.build adds the harnesses).
fuzz-build: bootstrap
	@[ -f $(FUZZ)/build.ninja ] || CC=clang meson setup $(FUZZ) -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >/dev/null
	@ninja -C $(FUZZ) --quiet $(addprefix fuzz/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@fuzz/run.sh $(FUZZ) $(FUZZ_TIME)

test: build asan fuzz-build
	@FUZZ_TIME=$(FUZZ_TIME) tests/run $(BUILD) $(ASAN) $(DATA) $(FUZZ)

demo: build
	@scripts/demo $(BUILD)/leadq $(DATA)

# BENCH_SCALE=1 for the full size (1M leads, 20M events); see
# docs/performance.md. Installs wrk, nginx, pandas, sklearn first.
bench: build
	@scripts/bootstrap --bench
	@bench/run $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
