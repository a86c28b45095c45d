#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test when it is missing (CI runs as root).
# Playwright's own browser download cannot work here: only the npm and Debian registries are reachable.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "ensure-chromium: chromium is missing and this is not root; install the 'chromium' package" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
