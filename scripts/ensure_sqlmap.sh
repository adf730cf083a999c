#!/usr/bin/env bash
# Debian's sqlmap for the injection scan (scripts/attack_sqlmap.py). Installs it when
# missing and we may.
exec bash "$(dirname "$0")/ensure_apt.sh" sqlmap "注入扫描需要" sqlmap
