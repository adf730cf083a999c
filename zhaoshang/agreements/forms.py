"""Forms of the agreements pages. They parse what a clerk types; the rules live in
``services.py`` and ``clauses.py``."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

from zhaoshang.common.forms import AttachmentField, StyledFormMixin
from zhaoshang.org.forms import VersionedForm

from .models import Agreement, Commitment, DataSource, IncentiveClause

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(VersionedForm):
    class Meta:
        model = Agreement
        fields = [
            "kind",
            "number",
            "title",
            "project",
            "department",
            "parties",
            "signed_on",
            "term_start",
            "term_end",
            "parent",
            "terms_approval",
        ]
        widgets = {"signed_on": DATE, "term_start": DATE, "term_end": DATE}

    def __init__(self, *args, projects=None, agreements=None, units=None, approvals=None, **kw):
        super().__init__(*args, **kw)
        # Choices come from the user's own scoped reads (views pass them in).
        self.fields["project"].queryset = projects
        self.fields["parent"].queryset = agreements
        self.fields["department"].queryset = units
        self.fields["department"].required = False
        self.fields["department"].help_text = "不填则为项目的责任单位"
        self.fields["terms_approval"].queryset = approvals


class CommitmentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="承诺事项", choices=Commitment.Kind.choices)
    first_year = forms.IntegerField(label="起始年度", min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label="截止年度", min_value=2000, max_value=2100)
    amount = forms.DecimalField(
        label="每年承诺值",
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text="金额以元计，人数以人计，面积以平方米计，不迁出年限以年计",
    )
    due_on = forms.DateField(label="完成期限（可选）", required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if (
            data.get("first_year")
            and data.get("last_year")
            and data["last_year"] < data["first_year"]
        ):
            self.add_error("last_year", "截止年度早于起始年度。")
        return data


def _number(text, what):
    text = text.strip().replace(",", "").replace("，", "")
    scale = Decimal(1)
    if text.endswith("万元") or text.endswith("万"):
        text, scale = text.rstrip("元").rstrip("万"), Decimal(10000)
    text = text.rstrip("元")
    try:
        return Decimal(text) * scale
    except InvalidOperation as exc:
        raise forms.ValidationError(f"{what}“{text}”不是数字。") from exc


def _percent(text, what):
    text = text.strip()
    if text.endswith("%") or text.endswith("％"):
        return _number(text[:-1], what) / 100
    return _number(text, what)


SPLIT = re.compile(r"[;；\n]+")


def parse_rates(text):
    """“2026-2028 100%；2029-2030 50%” → [[2026, 2028, "1"], [2029, 2030, "0.5"]]."""
    out = []
    for n, part in enumerate(p for p in SPLIT.split(text or "") if p.strip()):
        m = re.match(r"^\s*(\d{4})\s*(?:[-—~至到]\s*(\d{4}))?\s*年?\s*[:：]?\s*(\S+)\s*$", part)
        if not m:
            raise forms.ValidationError(f"第 {n + 1} 段“{part.strip()}”应写作 2026-2028 100%。")
        first = int(m.group(1))
        out.append([first, int(m.group(2) or first), str(_percent(m.group(3), "比例"))])
    return out


def parse_tiers(text):
    """“1000万 50万；5000万 200万” → [["10000000", "500000"], …] (yuan)."""
    out = []
    for n, part in enumerate(p for p in SPLIT.split(text or "") if p.strip()):
        bits = re.split(r"[\s:：→]+", part.strip())
        if len(bits) != 2:
            raise forms.ValidationError(
                f"第 {n + 1} 档“{part.strip()}”应写作 实缴资本门槛 奖励额，如 1000万 50万。"
            )
        out.append([str(_number(bits[0], "门槛")), str(_number(bits[1], "奖励额"))])
    return out


class ClauseForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="奖励类型", choices=IncentiveClause.Kind.choices)
    title = forms.CharField(label="条款", max_length=200, help_text="如 第五条 区级财力贡献奖励")
    first_year = forms.IntegerField(label="起始年度", min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label="截止年度", min_value=2000, max_value=2100)
    rates = forms.CharField(
        label="分年度比例（区级财力贡献奖励）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每段一行或以分号分隔：2026-2028 100%；2029-2030 50%",
    )
    tiers = forms.CharField(
        label="分档（落户奖励）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="实缴注册资本门槛 奖励额，如：1000万 50万；5000万 200万",
    )
    rate = forms.CharField(label="补贴比例（设备投资补贴）", required=False, help_text="如 10%")
    per_m2_day = forms.DecimalField(label="房租补贴标准（元/平方米·天）", required=False)
    area = forms.DecimalField(label="补贴面积（平方米）", required=False)
    start = forms.DateField(label="补贴起始日", required=False, widget=DATE)
    end = forms.DateField(label="补贴截止日", required=False, widget=DATE)
    people = forms.IntegerField(label="补贴人数（人才及住房补贴）", required=False, min_value=1)
    per_person = forms.DecimalField(label="每人每年补贴（元）", required=False)
    amount = forms.DecimalField(label="每年奖励金额（一事一议，元）", required=False)
    meeting = forms.CharField(
        label="审定会议（一事一议）", required=False, help_text="如 第12次常务会议"
    )
    cap = forms.DecimalField(label="每年上限（元，可选）", required=False, min_value=0)
    condition_metric = forms.ChoiceField(
        label="兑现条件指标（可选）",
        required=False,
        choices=[("", "无条件")]
        + list(IncentiveClause._meta.get_field("condition_metric").choices),
    )
    condition_min = forms.DecimalField(
        label="条件下限（可选）",
        required=False,
        min_value=0,
        help_text="不填则以该年度同类承诺值为下限（如 当年区级税收不低于承诺）",
    )
    policy_article = forms.CharField(
        label="所依据的政策条款",
        max_length=300,
        help_text="如 《河西区关于推动高质量发展的若干措施》第三条",
    )
    clawback = forms.ChoiceField(
        label="追回情形", required=False, choices=IncentiveClause.Clawback.choices
    )
    clawback_basis = forms.ChoiceField(
        label="追回方式", choices=IncentiveClause.ClawbackBasis.choices
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        params = {}
        try:
            if kind == IncentiveClause.Kind.TAX_SHARE:
                params["rates"] = parse_rates(data.get("rates"))
            elif kind == IncentiveClause.Kind.LANDING_AWARD:
                params["tiers"] = parse_tiers(data.get("tiers"))
            elif kind == IncentiveClause.Kind.EQUIPMENT_SUBSIDY:
                params["rate"] = (
                    str(_percent(data.get("rate") or "", "补贴比例")) if data.get("rate") else ""
                )
            elif kind == IncentiveClause.Kind.RENT_SUBSIDY:
                params = {k: data.get(k) for k in ("per_m2_day", "area", "start", "end")}
                params = {k: (str(v) if v is not None else "") for k, v in params.items()}
            elif kind == IncentiveClause.Kind.TALENT_SUBSIDY:
                params = {k: str(data.get(k) or "") for k in ("people", "per_person")}
            elif kind == IncentiveClause.Kind.TAILORED:
                params = {
                    "amount": str(data.get("amount") or ""),
                    "meeting": data.get("meeting") or "",
                }
        except forms.ValidationError as exc:
            field = "rates" if kind == IncentiveClause.Kind.TAX_SHARE else "tiers"
            self.add_error(field, exc)
        data["params"] = params
        return data

    def service_data(self):
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "title": d["title"],
            "first_year": d["first_year"],
            "last_year": d["last_year"],
            "params": d["params"],
            "cap": d.get("cap"),
            "condition_metric": d.get("condition_metric") or "",
            "condition_min": d.get("condition_min"),
            "policy_article": d["policy_article"],
            "clawback": d.get("clawback") or "",
            "clawback_basis": d["clawback_basis"],
        }


# Which form field a clause parameter is entered in (for errors from clauses.py).
PARAM_FIELDS = {
    "rates": "rates",
    "tiers": "tiers",
    "rate": "rate",
    "per_m2_day": "per_m2_day",
    "area": "area",
    "start": "start",
    "end": "end",
    "people": "people",
    "per_person": "per_person",
    "amount": "amount",
    "meeting": "meeting",
}


class AmendForm(ClauseForm):
    supplementary = forms.ModelChoiceField(
        label="依据的补充协议", queryset=Agreement.objects.none()
    )

    def __init__(self, *args, supplements=None, **kw):
        super().__init__(*args, **kw)
        self.fields["supplementary"].queryset = supplements


class FileForm(StyledFormMixin, forms.Form):
    file = AttachmentField(label="协议文本")
    note = forms.CharField(label="说明", max_length=200, required=False)


class MoveOutForm(StyledFormMixin, forms.Form):
    moved_out_on = forms.DateField(label="迁出日期", widget=DATE)


class UploadForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label="数据来源", choices=DataSource.choices)
    file = forms.FileField(label="经营数据文件（.xlsx 或 .csv，CSV 可为 UTF-8 或 GBK 编码）")


class MoveForm(StyledFormMixin, forms.Form):
    """The fields any disbursement or clawback step may need; the step says which."""

    to = forms.CharField(widget=forms.HiddenInput)
    expected = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label="说明 / 退回原因", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    meeting = forms.CharField(label="常务会议", required=False, help_text="如 第12次常务会议")
    meeting_on = forms.DateField(label="会议日期", required=False, widget=DATE)
    minutes = forms.CharField(
        label="会议纪要要点", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    approved_amount = forms.DecimalField(label="审定金额（元）", required=False, decimal_places=2)
    allocated_amount = forms.DecimalField(label="拨付金额（元）", required=False, decimal_places=2)
    allocated_on = forms.DateField(label="拨付日期", required=False, widget=DATE)
    allocation_voucher = forms.CharField(label="拨付凭证号", required=False, max_length=60)
    paid_amount = forms.DecimalField(label="兑付金额（元）", required=False, decimal_places=2)
    paid_on = forms.DateField(label="兑付日期", required=False, widget=DATE)
    payment_voucher = forms.CharField(label="兑付凭证号", required=False, max_length=60)
    notice_no = forms.CharField(label="追回通知文号", required=False, max_length=60)
    recovered_amount = forms.DecimalField(label="退回金额（元）", required=False, decimal_places=2)
    recovered_on = forms.DateField(label="退回日期", required=False, widget=DATE)
    voucher = forms.CharField(label="缴回凭证号", required=False, max_length=60)
