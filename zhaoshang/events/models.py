"""Promotion events (招商推介活动, M20; Hexi clause (十四), Chengyang 六(三)): who
organised them and with whom, what kind, when and where, which enterprises and
officials took part, the materials, the leads they produced and what they cost (posted
to the budget); and each unit's yearly quota of events.

Quota. Every promotion unit must hold at least two themed events a year; a zone the
office names (陈塘科技商务区 in Hexi) four. The zone's figure is kept on ``ZoneQuota``
(one row per reference zone named), a unit's figure for one year on ``EventQuota``
when it differs (set by the office); otherwise the default applies."""

from django.conf import settings
from django.db import models

from zhaoshang.org.models import Versioned
from zhaoshang.org.scoping import ScopedQuerySet

DEFAULT_QUOTA = 2
ZONE_QUOTA = 4


class EventType(models.TextChoices):
    CONFERENCE = "conference", "招商推介会"
    THEMED = "themed", "专题招商"
    EXHIBITION = "exhibition", "展会"
    OUTBOUND = "outbound", "外出考察"
    ONLINE = "online", "网上招商（云招商）"
    OTHER = "other", "其他"


class EventQuerySet(ScopedQuerySet):
    # An event belongs to its organiser; partners read it through the list's own filter.
    scope_unit_field = "organiser"
    scope_owner_field = "created_by"


class Event(Versioned):
    """招商推介活动."""

    title = models.CharField("活动名称", max_length=200)
    event_type = models.CharField("活动类型", max_length=20, choices=EventType.choices)
    organiser = models.ForeignKey(
        "org.Department", verbose_name="主办单位", on_delete=models.PROTECT, related_name="events"
    )
    partners = models.ManyToManyField(
        "org.Department", verbose_name="协办单位", blank=True, related_name="partner_events"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    # The year the event counts for in its organiser's quota (the start's year).
    year = models.PositiveSmallIntegerField("年度", editable=False)
    city = models.CharField("举办城市", max_length=50)
    venue = models.CharField("地点", max_length=200, blank=True)
    description = models.TextField("活动内容", blank=True)
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name="参会企业", blank=True, related_name="events"
    )
    officials = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="参加人员", blank=True, related_name="events"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "招商推介活动"
        verbose_name_plural = "招商推介活动"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["-starts_on", "-id"], name="event_newest"),
            models.Index(fields=["organiser", "-starts_on", "-id"], name="event_unit_newest"),
            models.Index(fields=["year", "organiser"], name="event_year_unit"),
        ]
        permissions = [
            ("view_events", "查阅招商推介活动"),
            ("manage_events", "登记招商推介活动"),
            ("manage_quota", "设定活动指标"),
        ]

    def __str__(self):
        return self.title


class EventMaterialQuerySet(ScopedQuerySet):
    scope_unit_field = "event__organiser"
    scope_owner_field = ""


class EventMaterial(models.Model):
    """活动材料: the invitation, the programme, the promotion deck, photos, the summary."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    file = models.FileField("文件", upload_to="events/%Y/%m")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = EventMaterialQuerySet.as_manager()

    class Meta:
        verbose_name = "活动材料"
        verbose_name_plural = "活动材料"
        ordering = ["uploaded_at", "id"]


class EventLead(models.Model):
    """A lead (a pipeline project at any stage) produced by an event; a lead names one
    event at most."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_leads")
    lead = models.OneToOneField(
        "pipeline.Project", on_delete=models.CASCADE, related_name="event_link"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField("关联时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动线索"
        verbose_name_plural = "活动线索"
        ordering = ["linked_at", "id"]


class ZoneQuota(models.Model):
    """A zone the office names with a higher yearly quota (陈塘科技商务区: 4)."""

    zone = models.OneToOneField(
        "reference.Zone",
        verbose_name="功能区",
        on_delete=models.CASCADE,
        related_name="event_quota",
    )
    quota = models.PositiveSmallIntegerField("每年活动指标（场）", default=ZONE_QUOTA)

    class Meta:
        verbose_name = "功能区活动指标"
        verbose_name_plural = "功能区活动指标"


class EventQuota(models.Model):
    """A unit's quota for one year when it differs from the default."""

    department = models.ForeignKey(
        "org.Department", verbose_name="单位", on_delete=models.CASCADE, related_name="event_quotas"
    )
    year = models.PositiveSmallIntegerField("年度")
    quota = models.PositiveSmallIntegerField("活动指标（场）")
    reason = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField("设定时间", auto_now=True)

    class Meta:
        verbose_name = "年度活动指标"
        verbose_name_plural = "年度活动指标"
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="event_quota_unique")
        ]
