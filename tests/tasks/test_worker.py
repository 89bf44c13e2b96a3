"""The task queue for real: the database backend and its worker, on SQLite and PostgreSQL (issue 34)."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from caseaudit.organisation.roles import Role
from caseaudit.tasks.models import ScheduledRun, WorkerBeat
from caseaudit.tasks.retry import RETRIED

from . import work
from .worker import database_tasks, start_worker, work_off

pytestmark = pytest.mark.django_db(transaction=True)


@database_tasks
def test_a_task_enqueued_in_a_committed_transaction_is_run_by_the_worker_and_one_rolled_back_is_not():
    with transaction.atomic():
        kept = work.echo.enqueue("kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        work.echo.enqueue("rolled back")
        raise RuntimeError("the change that asked for it failed")
    assert DBTaskResult.objects.count() == 1

    work_off()

    result = DBTaskResult.objects.get()
    assert str(result.id) == kept.id
    assert result.status == "SUCCESSFUL"
    assert result.return_value == "echo: kept"


@database_tasks
@override_settings(CASEAUDIT_TASK_RETRY_SECONDS=0)
def test_a_passing_fault_is_tried_again_and_the_last_failure_is_emailed_to_qa(council):
    work.always_locked.enqueue()

    work_off()

    tries = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [t.status for t in tries] == ["FAILED"] * 3
    assert [t.args_kwargs["kwargs"].get("try_number", 1) for t in tries] == [1, 2, 3]
    assert [t.exception_class_path for t in tries] == [RETRIED, RETRIED, "django.db.utils.OperationalError"]
    assert "Try 1 of 3 failed (database is locked)" in tries[0].traceback
    assert len(mail.outbox) == 1
    assert "background task failed" in mail.outbox[0].subject
    assert "database is locked" in mail.outbox[0].body
    qa = {p.email for p in council.people.values() if p.has_role(Role.QA_ADMIN)}
    assert set(mail.outbox[0].to) == qa


@database_tasks
def test_an_error_that_will_not_pass_is_not_tried_again(council):
    work.broken.enqueue()

    work_off()

    result = DBTaskResult.objects.get()
    assert result.status == "FAILED"
    assert result.exception_class_path == "builtins.ValueError"
    assert len(mail.outbox) == 1


@database_tasks
def test_two_workers_never_run_the_same_task_twice():
    workers = [start_worker("--no-schedule"), start_worker("--no-schedule")]
    try:
        deadline = time.monotonic() + 120
        while WorkerBeat.objects.count() < 2:  # both polling before the tasks arrive
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.1)
        with transaction.atomic():
            for n in range(40):
                work.record_once.enqueue(n)
        while DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
            assert time.monotonic() < deadline, "the workers did not finish the tasks"
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
        outputs = [worker.communicate(timeout=30)[0] for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert all(len(ids) == 1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True))
    assert ScheduledRun.objects.filter(job__startswith="test-").count() == 40
    ran_on = {ids[0] for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)}
    assert len(ran_on) == 2, "both workers took tasks"
    assert not WorkerBeat.objects.exists(), "a worker stopped by SIGTERM says it is gone"
