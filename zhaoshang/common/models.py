"""The shape every worker-run import job shares (carriers, targets): abstract, so each
app keeps its own table, scoped to the uploader like the project-ledger import."""

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    """An uploaded file, its column mapping, the dry run's rejected rows (row, column,
    reason) and the commit's counts. States as ``common.imports.NOT_STARTED`` names them."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", "待确认列对应"
        CHECKING = "checking", "试导入中"
        CHECKED = "checked", "试导入完成"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已导入"
        FAILED = "failed", "失败"

    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.UPLOADED)
    file_name = models.CharField("文件名", max_length=200)
    token = models.CharField(max_length=32, unique=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    headers = models.JSONField("表头", default=list)
    mapping = models.JSONField("列对应", default=dict)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    errors = models.JSONField("错误", default=list)
    summary = models.JSONField("结果", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker began the current phase (None while queued): with the heartbeat,
    # tells a phase whose worker died (common/imports.worker_phase).
    worker_started_at = models.DateTimeField("后台开始时间", null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]
