#!/usr/bin/env bash
# Debian's wrk for the load benchmark (bench/bench_load.py): a C load generator that
# takes a small share of the cores the server is measured on. Installs it when missing
# and we may.
set -u
if command -v wrk >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装 wrk（压力测试需要）…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi
command -v wrk >/dev/null 2>&1
