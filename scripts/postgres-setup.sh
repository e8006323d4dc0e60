#!/usr/bin/env bash
# Starts the machine's PostgreSQL and creates the test role and database (idempotent). Needs root.
# The tests reach it as postgres://billpay:billpay@127.0.0.1:5432/billpay_test (TEST_DATABASE_URL).
set -euo pipefail
if [ -n "${TEST_DATABASE_URL:-}" ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL set-up needs root; start PostgreSQL yourself or set TEST_DATABASE_URL" >&2
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null; then
  echo "Installing PostgreSQL"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$version" main >/dev/null
  cluster="$version main"
fi
# shellcheck disable=SC2086
pg_ctlcluster $cluster start 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAtc \"SELECT 1 FROM pg_roles WHERE rolname = 'billpay'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE billpay LOGIN PASSWORD 'billpay' CREATEDB\""
su postgres -c "psql -qAtc \"SELECT 1 FROM pg_database WHERE datname = 'billpay_test'\"" | grep -q 1 ||
  su postgres -c "psql -qc 'CREATE DATABASE billpay_test OWNER billpay'"
echo "PostgreSQL is ready for the tests"
