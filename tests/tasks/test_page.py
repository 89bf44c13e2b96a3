"""Background tasks page (issue 34): what ran and what failed, in plain words, for QA administrators only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from caseaudit.tasks.models import TaskRerun
from caseaudit.tasks.retry import RETRIED

from . import work
from .worker import database_tasks, work_off

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes the connection

PAGE = "/tasks/"


def run_again_url(task: DBTaskResult) -> str:
    return f"/tasks/{task.pk}/run-again"


@database_tasks
@override_settings(CASEAUDIT_TASK_RETRY_SECONDS=0)
def test_given_i_am_a_qa_administrator_i_see_a_failed_task_with_its_error_in_plain_words_and_its_tries(client, council):
    work.always_locked.enqueue()
    work.broken.enqueue()
    work.echo.enqueue("fine")
    work_off()
    client.force_login(council["qa_admin"])

    page = client.get(PAGE).content.decode()

    assert "The database could not be used" in page
    assert "database is locked" in page
    assert "ValueError: The figures for March are missing" in page
    assert "Traceback" not in page and 'File "' not in page
    assert "Try 3" in page  # the last of always_locked's three tries
    assert "Failed, tried again" in page
    assert "Done" in page
    assert page.count("Run again<span") == 2  # the two that failed for good; not the tries queued again

    failed = client.get(PAGE, {"failed": "only"}).content.decode()
    assert "Failed, tried again" not in failed
    assert "echo" not in failed.lower()
    assert failed.count("Run again<span") == 2

    home = client.get("/").content.decode()
    assert "2 background tasks failed" in home


@pytest.mark.parametrize(
    "who", ["director", "head_of_service", "auditor", "moderator", "team_manager", "social_worker"]
)
@database_tasks
def test_given_i_am_not_a_qa_administrator_the_page_and_run_again_are_not_there(client, council, who):
    work.broken.enqueue()
    work_off()
    failed = DBTaskResult.objects.get()
    client.force_login(council[who])

    assert client.get(PAGE).status_code == 404
    assert client.post(run_again_url(failed)).status_code == 404
    assert DBTaskResult.objects.count() == 1
    assert "background task" not in client.get("/").content.decode()


@database_tasks
def test_run_again_queues_the_same_task_with_the_same_arguments_once(client, council):
    work.always_broken_with.enqueue(7, note="March")
    work_off()
    failed = DBTaskResult.objects.get()
    assert failed.status == "FAILED"
    client.force_login(council["qa_admin"])

    response = client.post(run_again_url(failed), follow=True)

    assert "Queued again" in response.content.decode()
    again = DBTaskResult.objects.exclude(pk=failed.pk).get()
    assert again.status == "READY"
    assert again.task_path == failed.task_path
    assert again.args_kwargs == {"args": [7], "kwargs": {"note": "March"}}
    rerun = TaskRerun.objects.get()
    assert (rerun.failed_id, rerun.task_id, rerun.by) == (failed.pk, str(again.pk), council["qa_admin"])

    # A second press (another tab, a double click) queues nothing more.
    second = client.post(run_again_url(failed), follow=True).content.decode()
    assert "has been run again already" in second
    assert DBTaskResult.objects.count() == 2
    assert "Run again<span" not in client.get(PAGE).content.decode()
    assert "background task" not in client.get("/").content.decode()


@database_tasks
@override_settings(CASEAUDIT_TASK_RETRY_SECONDS=0)
def test_a_try_already_queued_again_and_a_task_that_is_not_there_are_not_run_again(client, council):
    work.always_locked.enqueue()
    work_off()
    retried = DBTaskResult.objects.filter(exception_class_path=RETRIED).first()
    client.force_login(council["qa_admin"])

    assert "it has not failed" in client.post(run_again_url(retried), follow=True).content.decode()
    assert client.post("/tasks/not-a-task/run-again").status_code == 404
    assert client.post("/tasks/00000000-0000-0000-0000-000000000000/run-again").status_code == 404
    assert client.get(run_again_url(retried)).status_code == 405
    assert DBTaskResult.objects.count() == 3
    assert not TaskRerun.objects.exists()


def _failed_and_run_again(n: int, qa_admin) -> None:
    for i in range(n):
        work.broken.enqueue()
        work.echo.enqueue(str(i))
    work_off()
    from caseaudit.tasks.services import task_run_again

    for failed in DBTaskResult.objects.filter(status="FAILED", rerun__isnull=True)[: n // 2]:
        task_run_again(task_id=str(failed.pk), by=qa_admin)


@database_tasks
def test_the_page_reads_the_same_number_of_queries_however_many_tasks_it_lists(client, council):
    client.force_login(council["qa_admin"])
    _failed_and_run_again(4, council["qa_admin"])
    client.get(PAGE)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200

    _failed_and_run_again(8, council["qa_admin"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(PAGE).content.decode()

    waiting = DBTaskResult.objects.filter(status="FAILED", rerun__isnull=True).count()
    assert waiting > 4 and page.count("Run again<span") == waiting
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
