"""Leads: pushes and cooperation requests between units (M7).

A lead itself is a ``Project`` in stage ``lead`` (see ``projects.py``); what belongs to
the leads part alone is the hand-over between units.
"""

from django.conf import settings
from django.db import models

from zhaoshang.org.scoping import ScopedQuerySet

from .projects import Project


# --- Leads: push ---
class LeadPushQuerySet(ScopedQuerySet):
    # A push belongs to both units: the one that sent it and the one it went to read it.
    scope_unit_field = ("from_department", "to_department")
    scope_owner_field = ""

    def pending(self):
        return self.filter(state=LeadPush.State.PENDING)


class LeadPush(models.Model):
    """信息推送 (M7): handing a lead to another unit, which accepts or declines.

    ``kind`` push: the holder offers the lead to ``to_department`` (the unit that owns
    its industry). ``kind`` request: ``from_department`` found the holder's enterprise
    and asks the holder (``to_department``) to hand it over or work it together. Either
    way ``to_department`` answers; the states and their moves are in
    ``lead_services.PUSH_TRANSITIONS``."""

    class Kind(models.TextChoices):
        PUSH = "push", "推送"
        REQUEST = "request", "合作请求"

    class State(models.TextChoices):
        PENDING = "pending", "待处理"
        ACCEPTED = "accepted", "已接收"
        DECLINED = "declined", "已退回"
        WITHDRAWN = "withdrawn", "已撤回"

    project = models.ForeignKey(
        Project, verbose_name="线索", on_delete=models.CASCADE, related_name="pushes"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.PUSH)
    from_department = models.ForeignKey(
        "org.Department", verbose_name="发起单位", on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        "org.Department", verbose_name="接收单位", on_delete=models.PROTECT, related_name="+"
    )
    # The unit responsible when the push was made: acceptance moves the lead only if it
    # still is (a claim or reassignment in between makes the push moot).
    holder = models.ForeignKey(
        "org.Department", verbose_name="推送时责任单位", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("推送理由")
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    answer_reason = models.TextField("处理意见", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField("处理时间", null=True, blank=True)

    objects = LeadPushQuerySet.as_manager()

    class Meta:
        verbose_name = "线索推送"
        verbose_name_plural = "线索推送"
        ordering = ["-id"]
        constraints = [
            # One open hand-over at a time: two could otherwise both be accepted.
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(state="pending"),
                name="leadpush_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["to_department", "state"], name="leadpush_to_state"),
            models.Index(fields=["from_department", "state"], name="leadpush_from_state"),
        ]

    def __str__(self):
        return f"{self.project}：{self.from_department} → {self.to_department}"

    @property
    def new_owner_id(self):
        """Who holds the lead if this is accepted."""
        return self.to_department_id if self.kind == self.Kind.PUSH else self.from_department_id
