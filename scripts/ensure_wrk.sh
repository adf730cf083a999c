#!/usr/bin/env bash
# Debian's wrk for the load benchmark (bench/bench_load.py): a C load generator that
# takes a small share of the cores the server is measured on. Installs it when missing
# and we may.
exec bash "$(dirname "$0")/ensure_apt.sh" wrk "压力测试需要" wrk
