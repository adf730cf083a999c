#!/usr/bin/env bash
# Debian's LibreOffice, headless, for the document tests: each Word document the system
# writes is converted to PDF and checked (A4, no number split across lines, fonts).
# Writer without its GUI is the smallest set that converts .docx to PDF; poppler-utils
# gives pdftotext and pdffonts to read the PDF back. Installs them when missing and we may.
set -u
have() { command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
  && command -v pdffonts >/dev/null 2>&1; }
if have; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装 LibreOffice（文档测试需要）…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    libreoffice-writer-nogui poppler-utils fonts-noto-cjk >/dev/null
fi
have
