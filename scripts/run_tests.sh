#!/usr/bin/env bash
# Lint and test, setting the checkout up (with test tools and browser) first when needed;
# arguments go to pytest, e.g. scripts/run_tests.sh -m "not browser".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh --dev
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
