# citadel.secrets — build and test plumbing.
#
#   make demo   configure a throwaway OpenBao with playbooks/demo.yml, twice (second run: changed=0)
#   make test   unit, build-check, integration (+ integration-oldest: ansible-core 2.17), sanity, lint, molecule
#               — fails on the first failure
#
# Everything runs from the virtualenv in .venv, created from requirements.txt + requirements-test.txt
# (re-installed only when one of them changes). No system packages are needed beyond python3 >= 3.11.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp
BUILD := $(CURDIR)/.build
TREE := $(BUILD)/ansible_collections/citadel/secrets
DIST := $(BUILD)/dist

# The venv's tools (ansible-*, bao, shellcheck) come first for every recipe and the tools they start.
export PATH := $(BIN):$(PATH)
export CITADEL_COLLECTIONS_PATH := $(BUILD)

# ansible-test sanity tests that cannot run on this kind of machine. Keep this list short and say why.
#   (none: every sanity test runs; pwsh-based tests have no targets because the collection has no PowerShell)
SANITY_SKIPS :=
SANITY_ARGS ?=

# System packages the integration tests need: PostgreSQL (server binaries) for the database secrets targets.
SYSTEM_PACKAGES := postgresql

.PHONY: help venv system-deps molecule molecule-deps molecule-eso test unit integration integration-oldest sanity lint build build-check collection-tree demo bench changelog-lint clean distclean

help:
	@echo 'make demo          run playbooks/demo.yml twice against a throwaway OpenBao dev server'
	@echo 'make test          unit, build-check, integration, sanity, lint'
	@echo 'make unit | integration | integration-oldest | sanity | lint | build | build-check | changelog-lint | bench | clean'
	@echo 'make system-deps   install the system packages the integration tests need (apt-get, as root)'
	@echo 'make molecule      molecule scenarios (podman); make molecule-deps installs podman and builds the image'
	@echo 'make molecule-eso  molecule scenario of the external_secrets role (on the controller, no containers)'

venv: $(STAMP)

$(STAMP): requirements.txt requirements-test.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python >= 3.11 is needed: run make PYTHON=/path/to/python3.11" >&2; exit 1; }
	@if [ ! -x $(BIN)/python ]; then $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	@touch $@

test: unit build-check integration integration-oldest sanity lint molecule molecule-eso

unit: venv
	$(BIN)/pytest -q tests/unit

# Installs SYSTEM_PACKAGES with apt-get when a binary is missing and we are root; otherwise says how.
system-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then \
		exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing $(SYSTEM_PACKAGES) with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$(SYSTEM_PACKAGES) >/dev/null; \
	else \
		echo "PostgreSQL server binaries are missing: run 'sudo apt-get install -y $(SYSTEM_PACKAGES)'" \
			"(or 'sudo make system-deps'); without them the database integration targets are skipped (and fail when CI is set)" >&2; \
	fi

# --- Molecule (roles) ---------------------------------------------------------------------------------------
# One scenario per role, on podman instances with systemd as PID 1. podman, runc (crun fails on these machines)
# and debootstrap come from Debian (apt-get, as root); molecule/containers.conf selects runc and the ulimits.
# No container registry is reachable: molecule/build-image.sh builds the Debian image with debootstrap once and
# podman keeps it. The podman driver needs the containers.podman collection (its playbooks and connection
# plugin), taken from the pinned `ansible` wheel on PyPI into the venv: Galaxy is not reachable either.
MOLECULE_PACKAGES := podman runc debootstrap uidmap slirp4netns
MOLECULE_IMAGE := localhost/citadel-molecule-debian:bookworm
MOLECULE_ANSIBLE_WHEEL := ansible==12.3.0
MOLECULE_COLLECTIONS := $(VENV)/share/citadel-molecule
MOLECULE_SCENARIOS ?= vault_server
MOLECULE_ENV := CONTAINERS_CONF=$(CURDIR)/molecule/containers.conf \
	ANSIBLE_COLLECTIONS_PATH=$(BUILD):$(MOLECULE_COLLECTIONS)

molecule-deps: venv
	@if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing $(MOLECULE_PACKAGES) with apt-get"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				$(MOLECULE_PACKAGES) >/dev/null; \
		else \
			echo "podman, runc and debootstrap are missing: run 'sudo apt-get install -y $(MOLECULE_PACKAGES)'" >&2; \
			exit 1; \
		fi; \
	fi
	@if [ ! -f $(MOLECULE_COLLECTIONS)/ansible_collections/containers/podman/MANIFEST.json ]; then \
		echo "extracting containers.podman from $(MOLECULE_ANSIBLE_WHEEL)"; \
		tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		$(BIN)/python -m pip download --quiet --no-deps --dest "$$tmp" '$(MOLECULE_ANSIBLE_WHEEL)' && \
		$(BIN)/python -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); \
			z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith("ansible_collections/containers/podman/")])' \
			"$$tmp"/ansible-*.whl $(MOLECULE_COLLECTIONS); \
	fi
	$(MOLECULE_ENV) molecule/build-image.sh $(MOLECULE_IMAGE)

# Each scenario: destroy, syntax, create, converge, idempotence, side_effect, verify, destroy (timed).
molecule: molecule-deps collection-tree
	@for s in $(MOLECULE_SCENARIOS); do \
		start=$$(date +%s); \
		$(MOLECULE_ENV) $(BIN)/molecule test --scenario-name "$$s" || exit 1; \
		echo "molecule scenario $$s passed in $$(( $$(date +%s) - start )) s"; \
	done

# The external_secrets role's scenario runs on the controller (default driver): it starts and stops its own OpenBao
# dev server, needs no containers, and renders the cluster side to files (no Kubernetes API is reachable here).
molecule-eso: venv collection-tree
	ANSIBLE_COLLECTIONS_PATH=$(BUILD) $(BIN)/molecule test --scenario-name external_secrets

integration: venv collection-tree system-deps
	$(BIN)/pytest -q tests/integration

# The Vault targets that exercise what differs between ansible-core versions (lookup option handling, the
# in-process modules, templating of results), again on the oldest supported ansible-core in its own venv.
OLDEST_VENV := $(CURDIR)/.venv-oldest
OLDEST_TARGETS := lookups or lookup_login_once or vault_config or vault_approle_secret_id or vault_kubernetes_auth \
	or vault_transit or vault_policy or vault_kv_secret or vault_token or vault_userpass_user

$(OLDEST_VENV)/.stamp: tests/requirements-oldest.txt
	@if [ ! -x $(OLDEST_VENV)/bin/python ]; then $(PYTHON) -m venv $(OLDEST_VENV); fi
	$(OLDEST_VENV)/bin/python -m pip install --quiet -r tests/requirements-oldest.txt
	@touch $@

integration-oldest: venv collection-tree $(OLDEST_VENV)/.stamp
	PATH=$(OLDEST_VENV)/bin:$(PATH) $(OLDEST_VENV)/bin/pytest -q -p no:cacheprovider tests/integration/test_targets.py \
		-k "$(OLDEST_TARGETS)"

collection-tree:
	@scripts/collection-tree.sh $(BUILD)

# ansible-test only accepts controller Python versions it supports; use the venv's own.
# ANSIBLE_TEST_CONTENT_ROOT stops ansible-test from walking up to this repo's .git, where .build is ignored
# (it would then list no files and skip every test); with it, ansible-test takes every file in the tree.
# ansible-test bootstraps pip in its venvs with a get-pip.py from a host these machines cannot reach:
# scripts/ansible_test_get_pip.py stands in for it (ensurepip + PyPI), see its docstring.
sanity: venv collection-tree
	$(BIN)/python scripts/ansible_test_get_pip.py --install-cache
	cd $(TREE) && ANSIBLE_TEST_CONTENT_ROOT=$(TREE) $(BIN)/ansible-test sanity --venv --color no \
		--python "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
		$(SANITY_SKIPS) $(SANITY_ARGS)

# .ansible-lint sets offline: true, so ansible-lint neither installs nor fetches anything: the playbooks
# resolve citadel.secrets from the collection tree instead.
lint: venv collection-tree
	ANSIBLE_COLLECTIONS_PATH=$(BUILD) $(BIN)/ansible-lint

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

build: venv collection-tree
	rm -rf $(DIST)
	cd $(TREE) && $(BIN)/ansible-galaxy collection build --force --output-path $(DIST)

build-check: build
	scripts/build-check.sh

demo: venv collection-tree
	scripts/demo.sh

# Posture audit of the demo server: playbooks/demo.yml configures it, playbooks/audit.yml audits it; prints the
# Markdown report and writes posture-report.{md,html,json} to AUDIT_DIR.
AUDIT_DIR ?= $(BUILD)/audit-demo
.PHONY: audit-demo
audit-demo: venv collection-tree
	AUDIT_DIR=$(AUDIT_DIR) scripts/audit-demo.sh

# Benchmarks print ratios against the baselines named in the issues; see bench/README.md.
bench: venv
	$(BIN)/python bench/lookups.py
	$(BIN)/python bench/lookup_calls.py
	$(BIN)/python bench/config.py

clean:
	rm -rf $(BUILD) tests/output .pytest_cache .ansible
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(OLDEST_VENV)
