"""The assessment's worker job: compute a requested result (progress on the result row)."""

from celery import shared_task


@shared_task
def compute_result(result_id):
    from . import services

    services.result_run(result_id)
