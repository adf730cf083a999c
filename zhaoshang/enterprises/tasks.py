"""Imports run in the worker; tasks take ids and call the import code."""

from celery import shared_task
from django.contrib.auth import get_user_model

from zhaoshang.common.imports import worker_phase

from . import importing
from .models import ImportJob


@shared_task
def check_import(job_id):
    with worker_phase(ImportJob, job_id, ImportJob.State.CHECKING) as may_run:
        if may_run:
            _check(job_id)


def _check(job_id):
    job = ImportJob.objects.get(pk=job_id)
    try:
        importing.check(job)
    except Exception as exc:
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED, errors=[[0, "", f"试导入失败：{exc}"]]
        )
        raise


@shared_task
def commit_import(job_id, user_id, create_unmatched=False, confirmations=None):
    with worker_phase(ImportJob, job_id, ImportJob.State.IMPORTING) as may_run:
        if may_run:
            _commit(job_id, user_id, create_unmatched, confirmations)


def _commit(job_id, user_id, create_unmatched, confirmations):
    job = ImportJob.objects.get(pk=job_id)
    actor = get_user_model().objects.get(pk=user_id)
    try:
        counts = importing.commit(
            job, actor=actor, create_unmatched=create_unmatched, confirmations=confirmations
        )
    except Exception as exc:
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED, errors=[[0, "", f"导入失败，未写入任何数据：{exc}"]]
        )
        raise
    importing.settle(counts)  # the job is done; this keeps searches fast after it
