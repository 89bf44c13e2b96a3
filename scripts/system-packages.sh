#!/usr/bin/env bash
# Installs the Debian packages CaseAudit needs, when they are missing.
#   scripts/system-packages.sh run    node and npm (front-end assets)
#   scripts/system-packages.sh test   the above plus Chromium (browser tests)
set -euo pipefail

need=()
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ "${1:-run}" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "CaseAudit needs these Debian packages: ${need[*]}. Install them as root (apt-get install ${need[*]})." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
