"""What the workers keep beside django-tasks-db's own table: who is alive, and which scheduled runs were enqueued."""

from django.conf import settings
from django.db import models


class WorkerBeat(models.Model):
    """A worker process saying it is alive (run_worker writes it every few seconds). A task "running" on a worker
    whose beat has stopped lost its process and is put back in the queue (recovery.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} ({self.pid})"


class ScheduledRun(models.Model):
    """One run of a scheduled job for one slot (a quarter hour, a day, a month). The unique slot is the claim:
    whichever worker inserts it first enqueues the task, in the same transaction; every other server finds it
    taken and does nothing."""

    job = models.CharField(max_length=64)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_a_slot")]
        indexes = [models.Index(fields=["job", "-slot"], name="scheduled_run_latest")]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot:%Y-%m-%d %H:%M}"


class TaskRerun(models.Model):
    """A failed task a QA administrator ran again. The one row per failed task is the claim: a second press of
    "Run again" (two tabs, a double click without JavaScript) finds it taken and queues nothing."""

    failed = models.OneToOneField("django_tasks_database.DBTaskResult", on_delete=models.CASCADE, related_name="rerun")
    task_id = models.CharField(max_length=64, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.failed_id} run again as {self.task_id}"
