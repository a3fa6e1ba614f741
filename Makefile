# Two commands that work on a fresh clone with nothing but Python 3.11+:
#   make run    set up, then serve the playground at http://127.0.0.1:3000/
#   make test   set up, then lint, type-check and test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck unit bench audit clean install package synth

install: $(STAMP)

$(STAMP): requirements/dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# The local server with the embedded queue and the best configured provider
# (offline without an API key); it prints the playground's URL.
run: $(STAMP)
	$(BIN)/emojiforge serve

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench infra
	$(BIN)/ruff format --check src tests bench infra

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python -m bench

# Known vulnerabilities in every pinned dependency (the Lambda pins are a subset
# of dev.lock). Needs PyPI's JSON API; --strict fails when a package could not
# be checked, so an offline run fails rather than passing with nothing audited.
# Not part of `make test` for that reason: see docs/security.md. An accepted
# vulnerability goes in AUDIT_IGNORE only with its reason written there.
AUDIT_IGNORE :=
audit: $(STAMP)
	$(BIN)/pip-audit --strict --disable-pip --no-deps -r requirements/dev.lock \
		$(foreach id,$(AUDIT_IGNORE),--ignore-vuln $(id))

# The two Lambda code folders (build/lambda-webhook, build/lambda-worker); needs PyPI.
package: $(STAMP)
	$(BIN)/python -m infra.package_lambda

# The CloudFormation template in build/cdk.out, cdk-nag checked, without the CDK CLI.
synth: package
	$(BIN)/python -m infra.app

clean:
	rm -rf $(VENV) out build .emojiforge .pytest_cache .mypy_cache .ruff_cache
