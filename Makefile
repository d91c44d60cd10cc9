# SPDX-License-Identifier: Apache-2.0
# Entry points for people and CI. Every target installs missing Debian packages first.
BUILD ?= build
JOBS ?= $(shell nproc)
VOXFACE := $(BUILD)/bin/voxface
CLIPS := $(wildcard examples/speech/*.wav examples/speech/*.flac examples/speech/*.ogg \
                    examples/speech/*.opus examples/speech/*.mp3)

.PHONY: all deps configure build run test eval devset bench fuzz fuzz-quick format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Animates every example clip into out/ (JSON), one summary line per clip. A clip with a .txt
# transcript beside it is aligned to that text.
run: build
	@mkdir -p out
	@for clip in $(CLIPS); do \
	  stem=$$(basename "$${clip%.*}"); txt="$${clip%.*}.txt"; \
	  if [ -f "$$txt" ]; then text="--text-file $$txt"; else text=""; fi; \
	  $(VOXFACE) animate "$$clip" $$text -o "out/$$stem.json" || exit 1; \
	done
	@echo "animations are in out/ (plot one: $(VOXFACE) plot out/pbx-invalid.json -o out/pbx-invalid.svg)"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Builds the dev set (synthetic speech with exact phone times + aligned Asterisk prompts) and
# prints the lip-sync table.
devset: build
	scripts/make-devset.sh devset

eval: devset
	$(VOXFACE) eval --devset devset --report devset/report.md

bench: build
	$(BUILD)/bin/voxface_bench

# libFuzzer targets (clang, AddressSanitizer + UBSan) in their own build tree; each runs for
# FUZZ_SECONDS from its seed corpus in fuzz/corpus/. fuzz-quick: the targets CI runs.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
$(FUZZ_BUILD)/CMakeCache.txt:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DVOXFACE_FUZZ=ON -DVOXFACE_BUILD_TESTS=OFF -DVOXFACE_BUILD_PYTHON=OFF \
	  -DVOXFACE_BUILD_WEB=OFF -DVOXFACE_BUILD_DEVSET_TOOLS=OFF

fuzz: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake -S . -B $(FUZZ_BUILD) -DVOXFACE_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz

fuzz-quick: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake -S . -B $(FUZZ_BUILD) -DVOXFACE_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_quick

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) out
