# DTS Platform. Quick start on a fresh Debian 12 machine:
#   make up     install what is missing, build, start the whole platform
#   make test   install what is missing, build, run every test
# Every target installs its own prerequisites (idempotent; sudo when not root).

SHELL := /bin/bash
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export CCACHE_DIR ?= $(HOME)/.cache/ccache
# Paths relative to the checkout in ccache's keys: worktrees and clones share hits.
export CCACHE_BASEDIR ?= $(abspath $(CURDIR)/..)
export CCACHE_NOHASHDIR ?= true

# Debian 12 packages (../shared/design.md §3). Boost 1.81 explicitly, never libboost-all-dev.
APT_BUILD := g++ cmake ninja-build ccache pkg-config git \
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
  libssl-dev libpq-dev libsodium-dev libre2-dev libyaml-cpp-dev libcli11-dev zlib1g-dev \
  libgtest-dev libgmock-dev libbenchmark-dev libicu-dev
APT_RUN := postgresql-15 openssl ca-certificates procps awscli
# Node.js + npm (the OIDC test's clients come from npm): Debian's packages only when no node is
# installed; a NodeSource nodejs (which bundles npm and conflicts with Debian's npm package)
# is left alone. openid-client 6 and jose 6 need Node >= 20 and Debian 12's nodejs is 18: then
# npm's own `node` package (a Node 20 binary from the npm registry) goes into npm's global bin.
APT_NODE := nodejs npm
NODE_MIN_MAJOR := 20
APT_BENCH := wrk hyperfine nginx-light curl haproxy python3
APT_FUZZ := clang-14 libclang-rt-14-dev

.PHONY: help deps deps-bench deps-fuzz configure build test test-unit test-sanitize up bench fuzz clean format

help:
	@echo "make up | test | build | test-sanitize | bench | fuzz | clean"

# Installs only the missing packages; a no-op when everything is there.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_install,$(APT_BUILD) $(APT_RUN))
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_NODE); \
	fi
	@if [ "$$(node -p 'process.versions.node.split(".")[0]')" -lt $(NODE_MIN_MAJOR) ]; then \
	  echo "node $$(node --version) < $(NODE_MIN_MAJOR): installing npm's node@$(NODE_MIN_MAJOR)"; \
	  $(SUDO) npm install -g --no-fund --no-audit node@$(NODE_MIN_MAJOR) && hash -r && node --version; \
	fi

deps-bench: deps
	$(call apt_install,$(APT_BENCH))

deps-fuzz: deps
	$(call apt_install,$(APT_FUZZ))

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	ninja -C $(BUILD_DIR) -j$(JOBS)
	@echo "built $(BUILD_DIR)/dts"

# Everything: unit, integration (own PostgreSQL), end-to-end, policy tests.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 600

test-unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L unit

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (a separate tree).
test-sanitize: deps
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDTS_SANITIZE=ON
	ninja -C $(ASAN_DIR) -j$(JOBS) unit_tests
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j$(JOBS) -L unit --timeout 900

up: build
	./$(BUILD_DIR)/dts up

bench: deps-bench build
	bench/run.sh $(BUILD_DIR)

# libFuzzer targets (clang), each run for FUZZ_SECONDS; not part of `make test`.
# A crash found becomes a regression test beside the code it broke.
FUZZ_TARGETS ?= dts_jwt_fuzz dts_rego_parser_fuzz
FUZZ_SECONDS ?= 60
fuzz: deps-fuzz
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDTS_FUZZ=ON \
	  -DCMAKE_CXX_COMPILER=clang++-14
	ninja -C build-fuzz -j$(JOBS) $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
	  bin=$$(find build-fuzz -type f -name $$t | head -1); mkdir -p build-fuzz/corpus/$$t; \
	  echo "== $$t ($(FUZZ_SECONDS) s)"; \
	  mod=$${t#dts_}; seeds=src/$${mod%%_*}/fuzz_corpus; [ -d $$seeds ] || seeds=; \
	  $$bin -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus/$$t $$seeds || exit 1; \
	done

format:
	find src tests bench -name '*.[ch]pp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) build-fuzz
