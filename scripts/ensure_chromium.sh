#!/usr/bin/env bash
# Debian's chromium for the browser tests (Playwright drives it; its own browser
# download does not work on government intranets). Installs it when missing and we may.
exec bash "$(dirname "$0")/ensure_apt.sh" chromium "浏览器测试需要" chromium fonts-noto-cjk
