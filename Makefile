# leadq - short commands over the Meson build.
#   make          build (installs missing Debian packages first)
#   make test     every test: unit, command, unit again under ASan+UBSan
#   make demo     build, load the demo data, show it
#   make bench    the benchmark harness
BUILD := build
ASAN := build-asan
DATA ?= ../shared/data

.PHONY: all build asan test demo bench bootstrap clean

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

test: build asan
	@tests/run $(BUILD) $(ASAN) $(DATA)

demo: build
	@scripts/demo $(BUILD)/leadq $(DATA)

bench: build
	@echo "bench: not yet (the benchmark issue adds bench/ and its cases)"

clean:
	rm -rf $(BUILD) $(ASAN)
