#!/usr/bin/env bash
# Start the app, setting the checkout up first when needed; arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
# Memory (bench/run.py, 100k enterprises): Arrow's own allocator keeps freed memory, the
# system one returns it (~60 MB less at peak); fewer malloc arenas for the session threads.
export ARROW_DEFAULT_MEMORY_POOL="${ARROW_DEFAULT_MEMORY_POOL:-system}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/streamlit run serve.py "$@"  # app.py, with the first page warmed as the server starts
