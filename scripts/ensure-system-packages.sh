#!/usr/bin/env bash
# System packages the tests need: Debian's Chromium (never a downloaded browser) for browser tests,
# CJK fonts for screenshots and PDFs, and the libraries WeasyPrint loads.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
# WeasyPrint (PDF output) needs Pango, and HarfBuzz's subsetter to embed CJK fonts quickly.
ldconfig -p | grep -q "libpango-1.0.so" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p | grep -q "libharfbuzz-subset.so" || need+=(libharfbuzz-subset0)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${need[*]} from Debian's packages…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "ERROR: browser tests need ${need[*]} (Debian: apt-get install ${need[*]})." >&2
  exit 1
fi
command -v chromium >/dev/null 2>&1 || { echo "ERROR: chromium still missing after install" >&2; exit 1; }
