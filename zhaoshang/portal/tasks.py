"""Jobs: turn portal submissions into leads and complaints. They take ids and call the
service; the sweep runs every minute (beat) and catches what the portal could not queue
(a portal run apart from the staff system queues nothing)."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def process_submission(submission_id):
    from .services import submission_process

    submission_process(submission_id)


@shared_task
def process_waiting_submissions():
    from .services import submission_process, submissions_waiting

    for pk in submissions_waiting():
        try:
            submission_process(pk)
        except Exception:  # one bad row must not hold up the others; retried next minute
            logger.exception("门户提交 %s 处理失败", pk)
