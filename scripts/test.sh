#!/usr/bin/env bash
# The whole test run: lint, then the suite on SQLite (browser tests included), then the
# suite again on PostgreSQL, then the sqlmap scan of a running instance. With CI=true the
# PostgreSQL leg, the browser tests, the document tests (LibreOffice) and the scan are
# required: a missing server, browser, LibreOffice or sqlmap fails the run instead of
# skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONDONTWRITEBYTECODE=1
export ZS_VAR_DIR=${ZS_VAR_DIR:-$(mktemp -d)}

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

# The modules where the rules live (services, queries, workflows): pyproject's [tool.mypy].
echo "== mypy"
.venv/bin/mypy

echo "== 浏览器"
if ! bash scripts/ensure_chromium.sh; then
  if [ "${CI:-}" = "true" ]; then echo "CI 需要 chromium，但无法安装"; exit 1; fi
  echo "未找到 chromium：浏览器测试将跳过"
fi

echo "== 文档（LibreOffice）"
if ! bash scripts/ensure_libreoffice.sh; then
  if [ "${CI:-}" = "true" ]; then echo "CI 需要 LibreOffice，但无法安装"; exit 1; fi
  echo "未找到 LibreOffice：文档转换测试将跳过"
fi

echo "== SQLite"
unset DATABASE_URL
$PY -m pytest -q -n 2 "$@"

echo "== PostgreSQL"
if bash scripts/ensure_postgres.sh; then
  export DATABASE_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/zhaoshang}
  $PY -m pytest -q -n 2 "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI 需要 PostgreSQL，但 127.0.0.1:5432 无法连接"; exit 1
else
  echo "未找到 PostgreSQL：跳过 PostgreSQL 测试"
fi
