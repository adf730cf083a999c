#!/usr/bin/env bash
# Debian's chromium for the browser tests (Playwright drives it; its own browser
# download does not work on government intranets). Installs it when missing and we may.
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装 chromium（浏览器测试需要）…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
command -v chromium >/dev/null 2>&1
