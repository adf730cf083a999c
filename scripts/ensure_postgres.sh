#!/usr/bin/env bash
# Make sure a PostgreSQL server answers at $PGHOST:$PGPORT; start the local cluster if
# it is installed but stopped. Exit 1 when none can be had.
set -u
host=${PGHOST:-127.0.0.1}; port=${PGPORT:-5432}
ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }
ready && exit 0
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -n | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do ready && exit 0; sleep 0.5; done
fi
exit 1
