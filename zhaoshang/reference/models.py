from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from zhaoshang.common import formats
from zhaoshang.common.models import ImportJob
from zhaoshang.org.models import Versioned


class Industry(models.Model):
    """The national classification GB/T 4754-2017: 20 sections (门类) and 97 divisions
    (大类), shipped as data (migration 0002)."""

    class Level(models.TextChoices):
        SECTION = "section", "门类"
        DIVISION = "division", "大类"

    code = models.CharField("代码", max_length=4, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="所属门类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = "国民经济行业"
        verbose_name_plural = "国民经济行业"
        ordering = ["code"]
        permissions = [("view_reference", "查看基础数据"), ("manage_reference", "维护基础数据")]

    def __str__(self):
        return f"{self.code} {self.name}"


class KeyIndustry(Versioned):
    """One of the district's key industries, mapped to national divisions and owned by
    one department ("管行业必须抓招商")."""

    name = models.CharField("重点产业", max_length=50, unique=True)
    divisions = models.ManyToManyField(
        Industry,
        verbose_name="对应国民经济行业",
        blank=True,
        limit_choices_to={"level": "division"},
    )
    strategic_emerging = models.BooleanField("战略性新兴产业", default=False)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="主管单位",
        on_delete=models.PROTECT,
        related_name="key_industries",
    )
    description = models.TextField("产业定位", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "重点产业"
        verbose_name_plural = "重点产业"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class EconomicArea(models.Model):
    """An area the texts target: 京津冀, 长三角, 粤港澳大湾区, "一带一路", 境外."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)

    class Meta:
        verbose_name = "经济区域"
        verbose_name_plural = "经济区域"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Region(models.Model):
    """A province (GB/T 2260 code) or a country (ISO 3166 code)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", "省级行政区"
        COUNTRY = "country", "国家和地区"

    code = models.CharField("代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=50)
    short_name = models.CharField("简称", max_length=20, blank=True)
    name_en = models.CharField("英文名", max_length=80, blank=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    areas = models.ManyToManyField(
        EconomicArea, verbose_name="所属经济区域", blank=True, related_name="regions"
    )

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name


class Zone(Versioned):
    """A functional zone with its industry positioning (e.g. 陈塘科技商务区)."""

    name = models.CharField("功能区名称", max_length=100, unique=True)
    positioning = models.CharField("产业定位", max_length=200)
    key_industries = models.ManyToManyField(KeyIndustry, verbose_name="主导产业", blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="管理单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="zones",
    )
    area_km2 = models.DecimalField(
        "面积（平方公里）", max_digits=8, decimal_places=2, null=True, blank=True
    )
    description = models.TextField("简介", blank=True)

    class Meta:
        verbose_name = "功能区"
        verbose_name_plural = "功能区"
        ordering = ["id"]

    def __str__(self):
        return self.name


class CarrierQuerySet(models.QuerySet):
    def with_vacancy(self):
        return self.filter(vacant_area__gt=0)


class Carrier(Versioned):
    """A building, park or land parcel offered to investors. Areas are m² for buildings
    and parks and 亩 for land, as offices count them."""

    class Kind(models.TextChoices):
        BUILDING = "building", "楼宇"
        PARK = "park", "园区"
        LAND = "land", "土地"

    UNITS = {Kind.BUILDING: "平方米", Kind.PARK: "平方米", Kind.LAND: "亩"}

    kind = models.CharField("载体类型", max_length=10, choices=Kind.choices)
    name = models.CharField("载体名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    zone = models.ForeignKey(
        Zone,
        verbose_name="所属功能区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carriers",
    )
    total_area = models.DecimalField("总面积", max_digits=14, decimal_places=2)
    vacant_area = models.DecimalField(
        "空置面积", max_digits=14, decimal_places=2, default=Decimal(0)
    )
    leading_industries = models.ManyToManyField(KeyIndustry, verbose_name="主导产业", blank=True)
    operator = models.CharField("运营单位", max_length=100, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    idle_reserve = models.BooleanField("闲置/储备土地", default=False)
    reserved_for_major = models.BooleanField("留作重大项目", default=False)
    description = models.TextField("简介", blank=True)

    objects = CarrierQuerySet.as_manager()

    class Meta:
        verbose_name = "载体"
        verbose_name_plural = "载体"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="carrier_kind_name_unique"),
            models.CheckConstraint(
                condition=models.Q(total_area__gte=0), name="carrier_total_area_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(vacant_area__gte=0)
                & models.Q(vacant_area__lte=models.F("total_area")),
                name="carrier_vacant_within_total",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def area_unit(self):
        return self.UNITS[self.kind]

    @property
    def vacancy_rate(self):
        if not self.total_area:
            return None
        return (self.vacant_area / self.total_area * 100).quantize(Decimal("0.1"))

    def clean(self):
        errors = {}
        if self.total_area is not None and self.total_area < 0:
            errors["total_area"] = "总面积不能为负数。"
        if self.vacant_area is not None and self.vacant_area < 0:
            errors["vacant_area"] = "空置面积不能为负数。"
        if (
            self.total_area is not None
            and self.vacant_area is not None
            and self.vacant_area > self.total_area
        ):
            errors["vacant_area"] = "空置面积不能大于总面积。"
        if self.kind != self.Kind.LAND and (self.idle_reserve or self.reserved_for_major):
            errors["idle_reserve"] = "只有土地类载体可以标记为闲置/储备土地或留作重大项目。"
        if errors:
            raise ValidationError(errors)


class CalendarDay(models.Model):
    """One day of the working calendar (工作日历) taken from a State Council holiday notice:
    a holiday (放假) or a weekend day that becomes a working day (调休上班).

    chinese-calendar's data is the base for the years it ships; the office enters each
    later year here, because the notice is published only in November or December of
    the year before and a library release always lags. An entered day wins over the
    library's for that date. ``reference.calendar`` is the only reader."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    note = models.CharField("说明", max_length=50, blank=True)  # e.g. 春节, 国庆节调休
    notice = models.CharField("依据通知", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["date"]
        permissions = [("manage_calendar", "维护工作日历")]

    def __str__(self):
        return f"{formats.cn_date(self.date)} {self.get_kind_display()}"


class CarrierImport(ImportJob):
    """A carrier file imported through the worker (common/imports.JobImport)."""

    class Meta(ImportJob.Meta):
        verbose_name = "载体导入"
        verbose_name_plural = "载体导入"

    def __str__(self):
        return f"载体导入：{self.file_name}"
