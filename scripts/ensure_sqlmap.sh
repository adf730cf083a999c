#!/usr/bin/env bash
# Debian's sqlmap for the injection scan (scripts/attack_sqlmap.py). Installs it when
# missing and we may.
set -u
if command -v sqlmap >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装 sqlmap（注入扫描需要）…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq sqlmap >/dev/null
fi
command -v sqlmap >/dev/null 2>&1
