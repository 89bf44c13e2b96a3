#!/usr/bin/env bash
# Installs the Debian packages CaseAudit needs, when they are missing.
#   scripts/system-packages.sh run    Node.js and npm (front-end assets), Pango (PDF reports)
#   scripts/system-packages.sh test   the above plus Chromium (browser tests) and poppler-utils (reading PDFs back)
set -euo pipefail

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

need=()
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
  installed "$pkg" || need+=("$pkg")
done
if [ "${1:-run}" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
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
