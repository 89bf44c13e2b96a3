"""Background and scheduled work as tasks in the database (django-tasks + django-tasks-db, decision 0091).

A task is enqueued in the transaction of what asked for it (the database backend writes its row there, so a
rolled-back change queues nothing and a committed one loses nothing). `caseaudit run_worker` runs them; the
same workers enqueue the schedule (schedule.py), once across every server, and put back the tasks of a worker
that died (recovery.py). Tasks are written with `durable` (retry.py): a passing fault is tried again later.
"""
