#!/usr/bin/env bash
# A Debian tool the tests or benchmarks need: `ensure_apt.sh COMMAND "用途" PACKAGE...`.
# Exits 0 when COMMAND is on PATH; otherwise, when we are root and have apt-get, installs
# the packages first. Called by ensure_chromium.sh, ensure_sqlmap.sh and ensure_wrk.sh.
set -u
command="$1" purpose="$2"
shift 2
if command -v "$command" >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装 $command（$purpose）…"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run (a colleague's install) holds the lock: wait for it, not fail.
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
fi
command -v "$command" >/dev/null 2>&1
