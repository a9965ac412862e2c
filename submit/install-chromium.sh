#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium and its WebDriver (packages `chromium` and
# `chromium-driver`: /usr/bin/chromium, /usr/bin/chromedriver) for the report's browser test.
#
#   submit/install-chromium.sh            install only what is missing (idempotent)
#   submit/install-chromium.sh --check    exit 0 when both are installed, 1 otherwise; installs nothing
#
# Needs root (or sudo) and Debian's package registry; a no-op when both binaries already exist.
set -euo pipefail

have_all() {
  [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]
}

if [[ "${1:-}" == "--check" ]]; then
  have_all
  exit $?
fi
if [[ $# -gt 0 ]]; then
  echo "install-chromium.sh: unknown option '$1'; use no option, or --check" >&2
  exit 2
fi
if have_all; then
  exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  else
    echo "install-chromium.sh: not root and no sudo; run as root: apt-get install chromium chromium-driver" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver
have_all || { echo "install-chromium.sh: chromium or chromedriver still missing under /usr/bin" >&2; exit 1; }
/usr/bin/chromium --version
