#!/usr/bin/env bash
# The browser the end-to-end tests drive: Debian's chromium (Playwright never downloads one here).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "the browser tests need Debian's chromium: run 'sudo apt-get install chromium' once" >&2
  exit 1
fi
echo "installing Debian's chromium for the browser tests"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core
