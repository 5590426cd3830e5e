#!/usr/bin/env bash
# Set up (or refresh) a checkout: .venv with the pinned requirements and the vendored map
# assets in static/vendor; with --dev also the test tools, Debian's Chromium and CJK fonts, and
# PostgreSQL + PostGIS with a test database (URL in .cache/pg-test-url; HEZE_SKIP_POSTGIS=1 or
# TEST_DATABASE_URL skip it). Idempotent: a re-run with nothing changed makes no network
# request and takes about a second.
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

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# The test database is ours to set up unless the developer opted out or brought their own.
want_postgis() { [ "${HEZE_SKIP_POSTGIS:-0}" != 1 ] && [ -z "${TEST_DATABASE_URL:-}" ]; }

ensure_system_packages() {
  local need=() pkg
  [ -x /usr/bin/chromium ] || need+=(chromium)
  is_installed fonts-noto-cjk || need+=(fonts-noto-cjk)
  if want_postgis; then
    for pkg in postgresql postgis postgresql-15-postgis-3; do
      is_installed "$pkg" || need+=("$pkg")
    done
  fi
  [ "${#need[@]}" -eq 0 ] && return
  apt_install "${need[@]}" \
    || die "the tests need ${need[*]}: run as root, or with sudo, apt-get install -y ${need[*]}"
}

# ---- PostgreSQL + PostGIS test database (--dev) ----

PG_URL_FILE=.cache/pg-test-url
PG_ROLE=heze
PG_DB=heze_test
PG_PORT=5432  # the cluster's, once start_cluster has run

# Runs a command as the postgres OS user, whom the cluster trusts on its socket (peer).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres -- "$@"
  fi
}
pg_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# Logs in with the saved URL and sees PostGIS: then nothing needs doing. The password goes
# by environment, not argv, where other users' `ps` would see it.
pg_url_works() {
  [ -s "$PG_URL_FILE" ] || return 1
  local url pw
  url="$(cat "$PG_URL_FILE")"
  pw="$(sed -E 's|^[^:]+://[^:@/]*:([^@/]*)@.*|\1|;t;d' <<<"$url")"
  PGPASSWORD="$pw" PGCONNECT_TIMEOUT=3 psql -X -Atq "${url/:$pw@/@}" \
    -c "SELECT 1 FROM pg_extension WHERE extname = 'postgis'" 2>/dev/null | grep -qx 1
}

start_cluster() {
  local version name status
  read -r version name PG_PORT status _ < <(pg_lsclusters -h | head -n 1) \
    || die "no PostgreSQL cluster: pg_createcluster 15 main --start"
  [ "$status" = online ] && return
  log "starting PostgreSQL cluster $version/$name"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  # "already running" (another start won the race) is fine; anything else shows up below
  "${sudo[@]}" pg_ctlcluster "$version" "$name" start || "${sudo[@]}" service postgresql start \
    || true
  pg_lsclusters -h | awk -v n="$name" '$2 == n && $4 == "online" {ok = 1} END {exit !ok}' \
    || die "PostgreSQL $version/$name does not start; see /var/log/postgresql/"
}

# A fresh random password for the role; the URL file is the only place it is written.
create_role_and_database() {
  local pw
  pw="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  log "creating role $PG_ROLE and database $PG_DB with PostGIS"
  # SQL on stdin, so the password never shows in a process list
  printf '%s\n' \
    "SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') AS new_role \gset" \
    "\if :new_role" "CREATE ROLE $PG_ROLE LOGIN;" "\endif" \
    "ALTER ROLE $PG_ROLE PASSWORD '$pw';" \
    "SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') AS new_db \gset" \
    "\if :new_db" "CREATE DATABASE $PG_DB OWNER $PG_ROLE;" "\endif" \
    "ALTER DATABASE $PG_DB OWNER TO $PG_ROLE;" | pg_admin -d postgres
  # PostGIS is not a trusted extension: only a superuser may create it
  printf 'SET client_min_messages = warning;\nCREATE EXTENSION IF NOT EXISTS postgis;\n' \
    | pg_admin -d "$PG_DB"
  mkdir -p .cache
  (umask 077 && echo "postgresql://$PG_ROLE:$pw@127.0.0.1:$PG_PORT/$PG_DB" >"$PG_URL_FILE.tmp")
  mv "$PG_URL_FILE.tmp" "$PG_URL_FILE"
}

ensure_test_database() {
  pg_url_works && return
  [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null \
    || die "the test database needs root or sudo; or set TEST_DATABASE_URL, or HEZE_SKIP_POSTGIS=1"
  command -v pg_lsclusters >/dev/null || die "PostgreSQL is not installed (apt-get install postgresql)"
  start_cluster
  pg_url_works && return  # the cluster was only stopped; keep the password
  create_role_and_database
  pg_url_works || die "cannot log in with $PG_URL_FILE after creating it; see /var/log/postgresql/"
  log "test database ready (URL in $PG_URL_FILE)"
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
[ "$DEV" -eq 0 ] || ! want_postgis || ensure_test_database
# geo/ reads no environment: the mirror (if any) is passed in
.venv/bin/python -m geo assets fetch --dest static/vendor --registry "${HEZE_NPM_REGISTRY:-}"
# The app's own bytecode, compiled ahead: a server that may not write its checkout (or runs with
# PYTHONDONTWRITEBYTECODE) compiled ~120 modules from source at every start, 0.12 s of the
# interpreter's time before the first map (py-spy, 100k). A no-op when nothing changed.
.venv/bin/python -m compileall -q -j 0 app.py serve.py app_pages ui parks geo >/dev/null
log "ready"
