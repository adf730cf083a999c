"""Work the worker does for every module: large exports. Tasks take ids and call the
code that does the work."""

from celery import shared_task
from django.utils import timezone

from . import exports, imports


@shared_task
def run_export(token):
    exports.export_run(token)


# --- Imports of a list of Columns (common/imports.JobImport): dry run and commit ----------
@shared_task
def check_job_import(job_id, label):
    _job_phase(job_id, label, "checking", "试导入失败", imports.job_check)


@shared_task
def commit_job_import(job_id, label, user_id):
    from zhaoshang.org.models import User

    actor = User.objects.get(pk=user_id)
    _job_phase(
        job_id,
        label,
        "importing",
        "导入失败，未写入任何数据",
        lambda kind, job: imports.job_commit(kind, job, actor=actor),
    )


def _job_phase(job_id, label, state, failed, run):
    kind = imports.KINDS[label]
    model = kind.job_model
    with imports.worker_phase(model, job_id, state) as may_run:
        if not may_run:
            return
        job = model.objects.select_related("created_by").get(pk=job_id)
        try:
            run(kind, job)
        except Exception as exc:
            model.objects.filter(pk=job_id).update(
                state="failed", errors=[[0, "", f"{failed}：{exc}"]], finished_at=timezone.now()
            )
            raise
