#!/usr/bin/env bash
# Installs the Debian packages CaseAudit needs, when they are missing or too old. Assumes only Debian 12
# or 13 with python3, make and git, and root or sudo (docs/decisions/0080-a-new-debian-machine.md).
#   scripts/system-packages.sh run    what `make run` needs: the venv, HTTPS to the registries, PDF rendering
#   scripts/system-packages.sh test   the above, plus Chromium and the libraries the browser tests' driver
#                                     needs, and poppler-utils for reading PDFs back
# Node.js is not here: it comes from PyPI into .venv (requirements-node.txt), because Debian 12's is too old.
set -euo pipefail

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# Major version of a command's "--version" output, or 0 when it is missing or prints nothing usable.
major() {
  local v
  v=$({ "$@" --version 2>/dev/null || true; } | grep -oE '[0-9]+(\.[0-9]+)+' | head -1 | cut -d. -f1)
  echo "${v:-0}"
}

need=()
reasons=()
want() { need+=("$1"); reasons+=("$1: $2"); }

# Python 3.11 or newer, able to make a venv with pip in it (Debian keeps ensurepip in python3-venv).
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "CaseAudit needs Python 3.11 or newer; $(python3 --version 2>&1) is installed (Debian 12 and 13 have it)." >&2
  exit 1
}
python3 -c 'import ensurepip, venv' 2>/dev/null || want python3-venv "python3 -m venv needs ensurepip"
installed ca-certificates || want ca-certificates "HTTPS to PyPI and the npm registry"
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
  installed "$pkg" || want "$pkg" "PDF reports (WeasyPrint)"
done

if [ "${1:-run}" = "test" ]; then
  # Playwright's driver is a Node.js build that links libatomic, absent from a minimal Debian.
  installed libatomic1 || want libatomic1 "the Playwright driver (browser tests)"
  # The browser tests drive Debian's Chromium; Playwright 1.65 speaks to Chromium 120 and newer.
  if [ "$(major chromium)" -lt 120 ]; then want chromium "browser tests (Chromium 120 or newer)"; fi
  command -v pdftotext >/dev/null 2>&1 || want poppler-utils "reading PDFs back in tests"
fi
[ ${#need[@]} -eq 0 ] && exit 0

printf 'Installing Debian packages:\n'
printf '  %s\n' "${reasons[@]}"
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
# A package already installed but too old (chromium) is upgraded by the same install.
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
