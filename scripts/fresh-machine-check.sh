#!/usr/bin/env bash
# Proves the README's two commands on a brand-new Debian: builds a minimal root with debootstrap holding
# only python3, git and make, clones this repository's HEAD into it, then, inside it as root:
#   1. `make run` from nothing, timed until the home page answers, then stopped with Ctrl+C (SIGINT to
#      its process group, as a terminal sends it), checking that every process it started has ended;
#   2. `make test`, timed.
# Usage: sudo scripts/fresh-machine-check.sh [bookworm|trixie] [ROOT_DIR]
# Needs root and debootstrap (installed when missing). Not run by CI: it takes 20-40 minutes a release.
#
# A bare debootstrap root lacks two things every real machine has, and only those are added: an
# /etc/hosts naming localhost, and this machine's extra trust anchors (/usr/local/share/ca-certificates,
# needed to reach the package registries from here) with the environment variables that point at them.
set -euo pipefail

release=${1:-bookworm}
root=${2:-/var/tmp/caseaudit-fresh-$release}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
port=${CHECK_PORT:-8765}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
log() { printf '[%s %s] %s\n' "$(date -u +%H:%M:%S)" "$release" "$*"; }

[ "$(id -u)" -eq 0 ] || { echo "Run as root (debootstrap and chroot need it)." >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }

mounted=()
cleanup() {
  # Whatever is still running in the root (a failed run) is ended before its mounts are taken away.
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null || true
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT

if [ -d "$root" ]; then
  log "removing the previous root $root"
  rm -rf --one-file-system "$root"
fi
log "debootstrap $release (minbase + python3, git, make) into $root"
debootstrap --variant=minbase --include=python3,git,make "$release" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
  { tail -20 "$root.debootstrap.log"; exit 1; }

printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/usr/local/share/ca-certificates"
cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/" 2>/dev/null || true

for m in proc sys dev dev/pts; do
  mkdir -p "$root/$m"
  case $m in
    proc) mount -t proc proc "$root/proc" ;;
    sys) mount -t sysfs sys "$root/sys" ;;
    dev) mount --bind /dev "$root/dev" ;;
    dev/pts) mount -t devpts devpts "$root/dev/pts" ;;
  esac
  mounted+=("$root/$m")
done
mkdir -p "$root/dev/shm" && mount -t tmpfs shm "$root/dev/shm" && mounted+=("$root/dev/shm")

log "cloning $(git -C "$repo" rev-parse --short HEAD) into /root/caseaudit"
git clone --quiet --no-hardlinks "$repo" "$root/root/caseaudit"

bundle=/etc/ssl/certs/ca-certificates.crt
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PIP_CERT=$bundle SSL_CERT_FILE=$bundle REQUESTS_CA_BUNDLE=$bundle NODE_EXTRA_CA_CERTS=$bundle \
    npm_config_cafile=$bundle PORT="$port" "$@"
}
processes_in_root() {
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && tr '\0' ' ' <"$p/cmdline" && echo
  done
  return 0
}

log "make run (first run), until http://127.0.0.1:$port/ answers"
start=$(date +%s)
# Job control on: make run gets a process group of its own with SIGINT handled as in a terminal's
# foreground (a script's background job otherwise starts with SIGINT ignored, which no trap can undo).
set -m
in_root bash -c 'cd /root/caseaudit && exec make run' >"$root.make-run.log" 2>&1 &
run_pid=$!
set +m
# The home page answers a signed-out visitor with a redirect to sign in; 200 or 302 means it serves.
until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null | grep -qE '^(200|302)$'; do
  if ! kill -0 "$run_pid" 2>/dev/null; then
    tail -30 "$root.make-run.log"
    log "FAILED: make run ended before serving"
    exit 1
  fi
  sleep 2
done
first_page=$(($(date +%s) - start))
log "make run served its first page after ${first_page} s"
grep -E "@demo-borough.example" "$root.make-run.log" | head -3 || true

log "Ctrl+C (SIGINT to make run's process group)"
kill -INT -- "-$run_pid"
for _ in $(seq 30); do kill -0 "$run_pid" 2>/dev/null || break; sleep 1; done
sleep 1
left=$(processes_in_root)
if [ -n "$left" ] || grep -q "Segmentation fault" "$root.make-run.log"; then
  tail -5 "$root.make-run.log"
  printf 'still running:\n%s\n' "$left"
  log "FAILED: make run did not stop cleanly"
  exit 1
fi
log "make run stopped cleanly: $(tail -1 "$root.make-run.log")"

log "make test"
start=$(date +%s)
if ! in_root bash -c 'cd /root/caseaudit && make test' >"$root.make-test.log" 2>&1; then
  tail -40 "$root.make-test.log"
  log "FAILED: make test"
  exit 1
fi
test_time=$(($(date +%s) - start))
log "make test passed in ${test_time} s: $(grep -E '[0-9]+ passed' "$root.make-test.log" | tail -1)"
log "PASSED: first page after ${first_page} s; make test ${test_time} s (logs: $root.make-run.log, $root.make-test.log)"
