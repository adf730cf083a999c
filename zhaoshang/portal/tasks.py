"""Jobs: turn portal submissions into leads and complaints. They take ids and call the
service; the sweep runs every minute (beat) and catches what the portal could not queue
(a portal run apart from the staff system queues nothing)."""

from celery import shared_task


@shared_task
def process_submission(submission_id):
    from .services import submission_process

    submission_process(submission_id)


@shared_task
def process_waiting_submissions():
    from .services import submission_process, submissions_waiting

    for pk in submissions_waiting():
        submission_process(pk)
