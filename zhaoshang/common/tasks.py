"""Work the worker does for every module: large exports. Tasks take ids and call the
code that does the work."""

from celery import shared_task

from . import exports


@shared_task
def run_export(token):
    exports.export_run(token)
