#!/usr/bin/env bash
# Set up (or refresh) a checkout: .venv with the pinned requirements and the vendored map
# assets in static/vendor; with --dev also the test tools, Debian's Chromium and CJK fonts.
# Idempotent: a re-run with nothing changed makes no network request and takes about a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

DEV=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    -h | --help) echo "usage: scripts/setup.sh [--dev]   (PYTHON=/path/to/python3.11 to choose)"; exit 0 ;;
    *) die "unknown option: $arg" ;;
  esac
done

# Runs apt-get as root, through sudo when we are not root.
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || return 1
    sudo=(sudo)
  fi
  command -v apt-get >/dev/null || return 1
  log "installing Debian packages: $*"
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

is_py311() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

pick_python() {
  if [ -n "${PYTHON:-}" ]; then
    is_py311 "$PYTHON" || die "PYTHON=$PYTHON is not a Python >= 3.11"
    echo "$PYTHON"
    return
  fi
  local candidate
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && is_py311 "$candidate"; then
      echo "$candidate"
      return
    fi
  done
  die "no Python >= 3.11 found (Debian 12: apt-get install python3), or set PYTHON"
}

ensure_system_packages() {
  local need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" \
    || need+=(fonts-noto-cjk)
  [ "${#need[@]}" -eq 0 ] && return
  apt_install "${need[@]}" \
    || die "browser tests need ${need[*]}: run as root, or with sudo, apt-get install -y ${need[*]}"
}

ensure_venv() {
  # a venv whose creation failed half-way (no pip) is rebuilt, not trusted
  if [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; then
    return
  fi
  local python
  python="$(pick_python)"
  if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    apt_install python3-venv || die "$python cannot create a venv: apt-get install python3-venv"
  fi
  log "creating .venv with $("$python" -V 2>&1)"
  rm -rf .venv
  "$python" -m venv .venv
}

# Stamps hold a hash of the interpreter version and requirement files of the last good install.
requirements_hash() { { .venv/bin/python -V 2>&1; cat "$@"; } | sha256sum | cut -d' ' -f1; }

ensure_requirements() {
  local runtime_hash dev_hash file=requirements.txt stamp_hash
  runtime_hash="$(requirements_hash requirements.txt)"
  dev_hash="$(requirements_hash requirements.txt requirements-dev.txt)"
  stamp_hash="$runtime_hash"
  if [ "$DEV" -eq 1 ]; then
    file=requirements-dev.txt
    stamp_hash="$dev_hash"
  fi
  # a dev install covers the runtime requirements too
  if [ "$(cat ".venv/.stamp-${file%.txt}" 2>/dev/null)" = "$stamp_hash" ]; then
    return
  fi
  log "installing $file into .venv"
  .venv/bin/python -m pip install --disable-pip-version-check -q -r "$file"
  echo "$runtime_hash" >.venv/.stamp-requirements
  [ "$DEV" -eq 0 ] || echo "$dev_hash" >.venv/.stamp-requirements-dev
}

[ "$DEV" -eq 0 ] || ensure_system_packages
ensure_venv
ensure_requirements
.venv/bin/python -m geo.assets fetch --dest static/vendor
log "ready"
