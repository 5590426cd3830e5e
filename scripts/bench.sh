#!/usr/bin/env bash
# The scale benchmark, setting the checkout up (with Chromium) first when needed; arguments go to
# bench/run.py, e.g. scripts/bench.sh --json --load. Runs on localhost only; ~25 min in full.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh --dev >&2  # stdout is the report: one JSON object with --json
exec .venv/bin/python bench/run.py "$@"
