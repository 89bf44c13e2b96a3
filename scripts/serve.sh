#!/usr/bin/env bash
# `make run`'s last step: gunicorn, and beside it the 15-minute schedule (run_scheduled: deadline
# reminders, escalations, scheduled reports). Ctrl+C or SIGTERM ends both and everything they started.
#
# Why a script and not the Makefile's recipe: the recipe used `trap 'kill 0' EXIT INT TERM`, and under
# dash `kill 0` signals the recipe's own shell too, which runs the trap again, and again, until the shell
# crashed ("make: *** [Makefile:19: run] Segmentation fault"). Here each trap clears itself first and
# signals only the processes this script started.
set -u
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# E-mailed links lead where this serves (0.0.0.0 listens everywhere but is no address to open).
if [ -z "${CASEAUDIT_SITE_URL:-}" ]; then
  case $HOST in
    0.0.0.0 | "::") CASEAUDIT_SITE_URL="http://$(hostname -f 2>/dev/null || hostname):$PORT" ;;
    *) CASEAUDIT_SITE_URL="http://$HOST:$PORT" ;;
  esac
fi
export CASEAUDIT_SITE_URL

schedule() {
  # Background jobs of a non-interactive shell ignore SIGINT, so the schedule is ended by SIGTERM from
  # stop(); its sleep runs in the background and is waited for, so that the trap can end it at once.
  local nap=""
  trap 'trap - TERM; [ -n "$nap" ] && kill "$nap" 2>/dev/null; exit 0' TERM
  while true; do
    "$BIN/caseaudit" run_scheduled >>var/deadlines.log 2>&1
    sleep 900 &
    nap=$!
    wait "$nap"
  done
}

schedule &
schedule_pid=$!
"$BIN/gunicorn" caseaudit.wsgi --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --access-logfile - --log-level warning &
web_pid=$!

stop() {
  trap - INT TERM EXIT
  kill -TERM "$web_pid" "$schedule_pid" 2>/dev/null
  wait "$web_pid" "$schedule_pid" 2>/dev/null
  echo "CaseAudit stopped."
}
trap stop INT TERM EXIT

# Returns when gunicorn ends (it failed to start, say) or a signal arrives; either way stop() runs.
wait "$web_pid"
