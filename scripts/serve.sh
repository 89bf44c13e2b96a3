#!/usr/bin/env bash
# `make run`'s last step: gunicorn, and beside it a task worker (caseaudit run_worker: imports, report PDFs,
# and the schedule it enqueues itself: deadline reminders, escalations and scheduled reports every 15
# minutes). Ctrl+C or SIGTERM ends both and everything they started.
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

# The worker runs in a session of its own (setsid), so Ctrl+C in the terminal reaches it only as stop()'s one
# SIGTERM: it finishes the task in hand, then ends. Two signals at once (the terminal's SIGINT and ours) would
# end it mid-task. A task cut short anyway (Ctrl+C twice) is put back in the queue at the next start.
mkdir -p var
setsid "$BIN/caseaudit" run_worker >>var/worker.log 2>&1 &
worker_pid=$!
"$BIN/gunicorn" caseaudit.wsgi --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --access-logfile - --log-level warning &
web_pid=$!

stop() {
  trap - INT TERM EXIT
  # A second Ctrl+C while waiting: the worker stops at once (a second signal ends its task).
  trap 'kill -TERM "$worker_pid" 2>/dev/null' INT TERM
  kill -TERM "$web_pid" "$worker_pid" 2>/dev/null
  if kill -0 "$worker_pid" 2>/dev/null; then
    echo "Stopping: the task worker finishes the task in hand (Ctrl+C again to stop it now)."
  fi
  # `wait` returns early when a trapped signal arrives: wait again until both have ended.
  while kill -0 "$web_pid" 2>/dev/null || kill -0 "$worker_pid" 2>/dev/null; do
    wait "$web_pid" "$worker_pid" 2>/dev/null
  done
  trap - INT TERM
  echo "CaseAudit stopped."
}
trap stop INT TERM EXIT

# Returns when gunicorn ends (it failed to start, say) or a signal arrives; either way stop() runs.
wait "$web_pid"
