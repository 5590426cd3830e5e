#!/usr/bin/env bash
# Start the app, setting the checkout up first when needed; arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
exec .venv/bin/streamlit run app.py "$@"
