from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "caseaudit.tasks"
    label = "caseaudit_tasks"
    verbose_name = "Background tasks"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from .failures import tell_qa_of_last_failure

        task_finished.connect(tell_qa_of_last_failure, dispatch_uid="caseaudit-task-failed")
