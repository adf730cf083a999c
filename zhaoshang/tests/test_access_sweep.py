"""The access sweep: every URL pattern, requested as anonymous, as each role and as a user
of another unit, against a table of what each may get. A new URL without a row fails
the sweep, so nobody adds a page without deciding who may open it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

BUSINESS = {
    "office_staff",
    "department_staff",
    "department_head",
    "leader",
    "supervision",
    "finance",
    "tax",
    "discipline",
}
ADMINS = {"system_admin", "security_admin", "audit_admin"}
EVERYONE = BUSINESS | ADMINS
ROLES = sorted(EVERYONE)
WORKERS = {"office_staff", "department_staff", "department_head"}


def first(model_path):
    """kwargs maker: the pk of the first row of a model (demo data)."""

    def make(demo):
        from django.apps import apps

        model = apps.get_model(model_path)
        return {"pk": model.objects.order_by("pk").values_list("pk", flat=True).first()}

    return make


def two_enterprises(demo):
    from zhaoshang.enterprises.models import Enterprise

    a, b = Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:2]
    return {"pk": a, "other": b}


def kejiju_import(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.enterprises import importing

    upload = SimpleUploadedFile("名录.csv", "企业名称\n测试导入企业有限公司\n".encode())
    return {"pk": importing.store(upload, kind="enterprises", user=demo["department_staff"]).pk}


def issued_result(demo):
    from zhaoshang.assessment.models import Result

    return {"pk": Result.objects.filter(status="issued").values_list("pk", flat=True).first()}


def issued_result_as(fmt):
    def make(demo):
        return {**issued_result(demo), "fmt": fmt}

    return make


def kejiju_sheet(code=None):
    def make(demo):
        kwargs = {**issued_result(demo), "unit": demo["department_staff"].department_id}
        return {**kwargs, "code": code} if code else kwargs

    return make


def first_pk(pk):
    def make(demo):
        return {"pk": pk}

    return make


def kejiju_unit(demo):
    return {"pk": demo["department_staff"].department_id}


def kejiju_unit_api(demo):
    return {"department_id": demo["department_staff"].department_id}


def kejiju_user(demo):
    return {"pk": demo["department_staff"].pk}


def kejiju_grant(demo):
    return {
        "pk": demo["department_staff"].pk,
        "role_pk": demo["department_staff"].grants.first().role_id,
    }


def kejiju_notification(demo):
    from zhaoshang.notifications.models import Notification

    n = Notification.objects.create(
        recipient=demo["department_staff"], kind="test", title="测试消息", url="/"
    )
    return {"pk": n.pk}


def kejiju_webhook(demo):
    from zhaoshang.notifications.models import UnitWebhook

    hook, _ = UnitWebhook.objects.get_or_create(
        department=demo["department_staff"].department,
        name="招商工作群",
        defaults={"kind": "wecom", "url": "http://127.0.0.1:9/robot", "enabled": False},
    )
    return {"pk": hook.pk}


def kejiju_export(demo):
    """A large export 区科技局's clerk asked for, written by the worker: theirs alone."""
    from zhaoshang.common import exports
    from zhaoshang.pipeline.projects import views  # noqa: F401 - registers the project list export

    user = demo["department_staff"]
    spec = exports.EXPORTS["pipeline.projects"]
    token = exports.export_start(user=user, spec=spec, params={}, table=spec.build(user, {}))
    exports.export_run(token)
    return {"token": token}


# Targets, the monthly report and dashboards (issue 5).
REPORT_READERS = {"office_staff", "leader", "supervision"}
UNIT_REPORTERS = {"department_staff", "department_head"}


def kejiju_target(demo):
    return {"year": 2026, "unit": demo["department_staff"].department_id}


def issued_report(demo):
    from django.utils import timezone

    from zhaoshang.reports.rules import previous_month
    from zhaoshang.reports.services import report_issue

    year, month = previous_month(*timezone.localdate().timetuple()[:2])
    return {"pk": report_issue(actor=demo["office_staff"], year=year, month=month).pk}


# --- Projects (pipeline/views.py): the first demo project is 区科技局's. ---
def kejiju_project(demo):
    from zhaoshang.pipeline.models import Project

    return {
        "pk": Project.objects.filter(department=demo["department_staff"].department)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    }


def project_child(model_path, kwarg):
    def make(demo):
        from django.apps import apps

        row = apps.get_model(model_path).objects.order_by("pk").first()
        return {"pk": row.project_id, kwarg: row.pk}

    return make


# --- Admission evaluation and tailored terms: demo records of 区科技局 ---
def kejiju_evaluated_project(demo):
    from zhaoshang.pipeline.models import Project

    return {"pk": Project.objects.get(name="新能源汽车电驱系统生产基地").pk}


def kejiju_evaluation(demo):
    from zhaoshang.pipeline.models import Evaluation

    return {"pk": Evaluation.objects.get(project__name="新能源汽车电驱系统生产基地").pk}


def kejiju_approval(kind):
    def make(demo):
        from zhaoshang.pipeline.models import TermsApproval

        approval = TermsApproval.objects.get(project__name="新能源汽车电驱系统生产基地")
        return {"pk": approval.pk, **({"kind": kind} if kind else {})}

    return make


def kejiju_project_import(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.pipeline.projects import importing

    upload = SimpleUploadedFile(
        "台账.csv", "项目名称,企业名称\n测试项目,测试企业有限公司\n".encode()
    )
    return {"pk": importing.store(upload, user=demo["department_staff"]).pk}


def chain_link(demo):
    """The demo's 生物医药 chain and its 医疗器械 link."""
    from zhaoshang.chains.models import Link

    link = Link.objects.get(chain__name="生物医药", name="医疗器械")
    return {"pk": link.chain_id, "link_pk": link.pk}


def office_import(list_url):
    """An import (common/imports.JobImport) uploaded by the office's clerk: hers alone."""

    def make(demo):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from zhaoshang.common import imports

        kind = next(k for k in imports.KINDS.values() if k.list_url == list_url)
        upload = SimpleUploadedFile("导入.csv", "名称,单位\n甲,区科技局\n".encode())
        return {"pk": imports.job_store(kind, upload, user=demo["office_staff"]).pk}

    return make


# Who reads 区科技局's projects: the office and all-scope readers; not 区商务局's head (his
# tree does not include it), not the tax clerk (own unit), not another unit's clerk.
PROJECT_READERS_HIDDEN = {"other_unit": 404, "tax": 404, "department_head": 404}
PROJECT_POST_ONLY = dict.fromkeys(WORKERS | {"other_unit"}, 405)


def kejiju_lead(demo):
    from zhaoshang.pipeline.models import Project

    return {"pk": Project.objects.get(name="中国院华北设计创新中心").pk}


def pooled_lead(demo):
    from zhaoshang.pipeline.models import Project

    return {"pk": Project.objects.pooled().order_by("pk").first().pk}


def pending_push(demo):
    from zhaoshang.pipeline.models import LeadPush

    return {"pk": LeadPush.objects.pending().order_by("pk").first().pk}


def kejiju_terms_file(demo):
    from django.core.files.base import ContentFile

    from zhaoshang.pipeline.models import TermsDocument

    doc = TermsDocument.objects.filter(approval__project__name="新能源汽车电驱系统生产基地").first()
    if not doc.file:
        doc.file.save("核心条款.txt", ContentFile("核心条款".encode()))
    return {"kind": "document", "pk": doc.pk}


# The working calendar: the office and the system administrator (reminded each November)
# enter each year's holiday notice.
CALENDAR_KEEPERS = {"office_staff", "system_admin"}


def calendar_day(demo):
    import datetime as dt

    from zhaoshang.reference.services import calendar_day_set

    day, _ = calendar_day_set(
        actor=demo["office_staff"],
        date=dt.date(2027, 1, 1),
        kind="holiday",
        note="元旦",
        notice="国务院办公厅关于2027年部分节假日安排的通知",
    )
    return {"pk": day.pk}


# --- API keys (zhaoshang/api): the system administrator's pages. ---
def api_key(demo):
    from zhaoshang.api import keys, services
    from zhaoshang.org.models import Role

    key, _ = services.api_key_create(
        actor=demo["system_admin"],
        data={
            "name": "市招商引资平台",
            "department": demo["department_staff"].department,
            "role": Role.objects.get(code="department_staff"),
            "modules": list(keys.modules()),
        },
    )
    return {"pk": key.pk}


# --- Aftercare (issue 13): tickets, visits, expansion; complaints ---
# Tickets are read by the responsible unit, the street of the enterprise (a street-level
# service centre: 友谊路街道's clerk reads 区科技局's ticket of an enterprise in its street)
# and all-scope readers. Complaints: the discipline office and leaders only; a
# department reads the tasks given to it.
AFTERCARE_READERS = {
    "office_staff",
    "department_staff",
    "department_head",
    "leader",
    "supervision",
    "tax",
}
AFTERCARE_WORKERS = {"office_staff", "department_staff", "department_head", "tax"}
COMPLAINT_READERS = {"discipline", "leader"}
AFTERCARE_POST_ONLY = dict.fromkeys(AFTERCARE_WORKERS | {"other_unit"}, 405)


def kejiju_ticket(demo):
    from zhaoshang.aftercare.models import Ticket

    ticket = Ticket.objects.filter(
        department=demo["department_staff"].department, street__name="友谊路街道"
    ).order_by("pk")
    return {"pk": ticket.values_list("pk", flat=True).first()}


def kejiju_visit(demo):
    from zhaoshang.aftercare.models import Visit

    visits = Visit.objects.filter(department=demo["department_staff"].department).order_by("pk")
    return {"pk": visits.values_list("pk", flat=True).first()}


# Partners and finder rewards (issue 16): the registry is shared with every promotion
# unit; rewards are the office's to propose and approve, finance's to pay, and a unit
# reads those on its own referrals.
PARTNER_READERS = {"office_staff", "department_staff", "department_head", "leader", "finance"}
# The demo reward is on a 区科技局 project: 区商务局 and a street do not read it.
REWARD_HIDDEN = {"department_head": 404, "other_unit": 404}


def partner_contact(demo):
    from zhaoshang.partners.models import PartnerContact

    contact = PartnerContact.objects.order_by("pk").first()
    return {"pk": contact.partner_id, "contact_pk": contact.pk}


def agency(demo):
    from zhaoshang.partners.models import Partner

    return {"pk": Partner.objects.filter(kind="agency").order_by("pk").first().pk}


def kejiju_task(demo):
    from zhaoshang.complaints.models import ComplaintTask

    tasks = ComplaintTask.objects.filter(department=demo["department_staff"].department)
    return {"pk": tasks.order_by("pk").values_list("pk", flat=True).first()}


# --- Supervision items (issue 16, M18) ---
# A department reads its own items (区科技局's for its clerk); the office, 区招商办 (all
# scope) and leaders read all; 区商务局's head (not his tree), the tax office and
# 友谊路街道 get 404 on 区科技局's item. Only the supervision office raises and records
# accountability; the departments report.
SUPERVISION_READERS = {
    "office_staff",
    "department_staff",
    "department_head",
    "leader",
    "supervision",
    "tax",
}
SUPERVISION_KEJIJU = {"office_staff", "department_staff", "leader", "supervision"}
SUPERVISION_HIDDEN = {"department_head": 404, "tax": 404, "other_unit": 404}


def kejiju_item(demo):
    from zhaoshang.supervision.models import Item

    items = Item.objects.filter(department=demo["department_staff"].department).order_by("pk")
    return {"pk": items.values_list("pk", flat=True).first()}


def kejiju_item_file(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.supervision.models import ProgressReport, ReportAttachment

    pk = kejiju_item(demo)["pk"]
    report = ProgressReport.objects.filter(item_id=pk).order_by("pk").first()
    upload = SimpleUploadedFile("进展台账.pdf", b"%PDF-1.4 ledger")
    attachment = ReportAttachment.objects.create(report=report, file=upload, name="进展台账.pdf")
    return {"pk": pk, "file_pk": attachment.pk}


def kejiju_item_decision(demo):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.supervision import services
    from zhaoshang.supervision.models import Item

    item = Item.objects.get(pk=kejiju_item(demo)["pk"])
    record = services.accountability_record(
        actor=demo["supervision"],
        item=item,
        person="某科员",
        department=item.department,
        failure="未按期报送进展",
        measure="talk",
        decision_number="河西督查〔2026〕9号",
        decided_on=dt.date(2026, 1, 5),
        decision_file=SimpleUploadedFile("决定.pdf", b"%PDF-1.4 decision"),
    )
    return {"pk": item.pk, "record_pk": record.pk}


# --- The opportunity and policy libraries, bulletins and the portal (issue 14) ---------
# 区科技局's clerk keeps an internal opportunity and a draft policy: readable by the
# scope-all roles and 区科技局 itself; 区商务局's head, the tax clerk and 友谊路街道 get 404.
SCOPE_ALL = {"office_staff", "leader", "supervision", "finance", "discipline"}
KEJIJU_ONLY = {"department_head": 404, "tax": 404, "other_unit": 404}


def _pdf(name="说明.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def kejiju_opportunity(demo):
    from decimal import Decimal

    from zhaoshang.opportunities import services
    from zhaoshang.opportunities.models import Opportunity

    existing = Opportunity.objects.filter(name="科技局内部储备项目").first()
    if existing is not None:
        return {"pk": existing.pk}
    item = services.opportunity_create(
        actor=demo["department_staff"],
        data={
            "name": "科技局内部储备项目",
            "summary": "内部",
            "investment": Decimal(1),
            "cooperation": ["sole"],
        },
    )
    return {"pk": item.pk}


def kejiju_opportunity_document(demo):
    from zhaoshang.opportunities import services
    from zhaoshang.opportunities.models import Opportunity

    item = Opportunity.objects.get(pk=kejiju_opportunity(demo)["pk"])
    doc = services.opportunity_document_add(
        actor=demo["department_staff"], opportunity=item, title="说明", file=_pdf()
    )
    return {"pk": item.pk, "doc_pk": doc.pk}


def kejiju_policy(demo):
    import datetime as dt

    from zhaoshang.policies import services
    from zhaoshang.policies.models import Policy

    existing = Policy.objects.filter(doc_number="津河西科〔2026〕1号").first()
    if existing is not None:
        return {"pk": existing.pk}
    policy = services.policy_create(
        actor=demo["department_staff"],
        data={
            "title": "科技局政策草稿",
            "doc_number": "津河西科〔2026〕1号",
            "measures": "草稿",
            "valid_from": dt.date(2026, 1, 1),
        },
    )
    return {"pk": policy.pk}


def kejiju_policy_attachment(demo):
    from zhaoshang.policies import services
    from zhaoshang.policies.models import Policy

    policy = Policy.objects.get(pk=kejiju_policy(demo)["pk"])
    attachment = services.policy_attachment_add(
        actor=demo["department_staff"], policy=policy, title="附件", file=_pdf()
    )
    return {"pk": policy.pk, "file_pk": attachment.pk}


def public_opportunity(demo):
    from zhaoshang.opportunities.models import Opportunity

    return {"pk": Opportunity.objects.public().order_by("pk").first().pk}


def public_opportunity_document(demo):
    from zhaoshang.opportunities import services
    from zhaoshang.opportunities.models import Opportunity

    item = Opportunity.objects.public().order_by("pk").first()
    doc = services.opportunity_document_add(
        actor=demo["office_staff"], opportunity=item, title="项目建议书", file=_pdf()
    )
    return {"pk": item.pk, "doc_pk": doc.pk}


def public_policy(demo):
    from zhaoshang.policies.models import Policy

    return {"pk": Policy.objects.public().order_by("pk").first().pk}


def public_policy_attachment(demo):
    from zhaoshang.policies import services
    from zhaoshang.policies.models import Policy

    policy = Policy.objects.public().order_by("pk").first()
    attachment = services.policy_attachment_add(
        actor=demo["office_staff"], policy=policy, title="申报表", file=_pdf()
    )
    return {"pk": policy.pk, "file_pk": attachment.pk}


def issued_bulletin(demo):
    from zhaoshang.reports.models import Bulletin

    return {"pk": Bulletin.objects.filter(status="issued").order_by("pk").first().pk}


def captcha_key(demo):
    from captcha.models import CaptchaStore

    return {"key": CaptchaStore.generate_key()}


def showcase(demo):
    from zhaoshang.portal.models import Showcase

    return {"pk": Showcase.objects.order_by("pk").first().pk}


PUBLIC = {"anonymous": 200, "*": 200}


def _complaints_status():
    from django.apps import apps

    status = 200 if apps.is_installed("zhaoshang.complaints") else 404
    return {"anonymous": status, "*": status}


def portal_rows():
    """The portal's pages in both languages: public, 200 for everyone (the complaint
    form and the cases only once complaints are installed)."""
    pages = {
        "home": None,
        "zones": None,
        "carriers": None,
        "opportunity_list": None,
        "opportunity_detail": public_opportunity,
        "opportunity_file": public_opportunity_document,
        "policy_list": None,
        "policy_detail": public_policy,
        "policy_file": public_policy_attachment,
        "enterprises": None,
        "results": None,
        "bulletin_list": None,
        "bulletin_detail": issued_bulletin,
        "enquiry": None,
    }
    rows = {}
    for suffix in ("", "_en"):
        for name, maker in pages.items():
            rows[f"portal:{name}{suffix}"] = (maker, set(), PUBLIC)
        for name in ("cases", "complaint"):
            rows[f"portal:{name}{suffix}"] = (None, set(), _complaints_status())
    return rows


# --- Agreements, incentives, disbursement and clawback (issue 12) ---
# Terms and amounts are confidential: the office, the responsible unit (区科技局 for the
# demo agreement), leaders, finance (amounts and its step) and the tax office (the data
# it supplied, on its own page); not supervision or discipline, not 区商务局's head (not
# his tree), not another unit's clerk.
AGREEMENT_READERS = {"office_staff", "department_staff", "department_head", "leader"}
AMOUNT_READERS = AGREEMENT_READERS | {"finance"}
AGREEMENT_WORKERS = {"office_staff", "department_staff", "department_head"}
AGREEMENT_HIDDEN = {"department_head": 404, "other_unit": 404}
DATA_SUPPLIERS = {"office_staff", "tax"}


def kejiju_agreement(demo):
    from zhaoshang.agreements.models import Agreement

    return {"pk": Agreement.objects.get(project__name="河西数智城市大脑研发中心").pk}


def kejiju_agreement_child(model_path, field="agreement__project__name"):
    def make(demo):
        from django.apps import apps

        model = apps.get_model(model_path)
        return {"pk": model.objects.filter(**{field: "河西数智城市大脑研发中心"}).first().pk}

    return make


def kejiju_agreement_file(demo):
    from django.core.files.base import ContentFile

    from zhaoshang.agreements.models import Agreement, AgreementFile

    agreement = Agreement.objects.get(project__name="河西数智城市大脑研发中心")
    row = AgreementFile(agreement=agreement, version=1)
    row.file.save("协议.txt", ContentFile("协议文本".encode()), save=False)
    row.save()
    return {"pk": row.pk}


def kejiju_clawback(demo):
    from decimal import Decimal

    from zhaoshang.agreements.models import Agreement, Clawback

    agreement = Agreement.objects.get(project__name="河西数智城市大脑研发中心")
    return {
        "pk": Clawback.objects.create(agreement=agreement, reason="迁出", amount_due=Decimal(1)).pk
    }


def tax_data_import(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.agreements import importing

    upload = SimpleUploadedFile(
        "税收.csv", "统一社会信用代码,所属期,区级留成\n91120103MA07P00110,2025-01,1\n".encode()
    )
    return {"pk": importing.store(upload, user=demo["tax"], source="tax").pk}


BUDGET_READERS = {"office_staff", "department_staff", "department_head", "leader", "finance"}
BUDGET_POSTERS = {"office_staff", "department_staff", "department_head"}
# 区商务局's head reads its own subtree (商务局, 招商办), not 区科技局's lines.
KEJIJU_BUDGET_HIDDEN = {"department_head": 404, "other_unit": 404}


def kejiju_budget_line(demo):
    from zhaoshang.budget.models import BudgetLine

    line = BudgetLine.objects.filter(department__name="区科技局", category="publicity").first()
    return {"pk": line.pk}


def kejiju_spending_with_voucher(demo):
    from django.core.files.base import ContentFile

    from zhaoshang.budget.models import Spending

    row = Spending.objects.filter(department__name="区科技局").order_by("pk").first()
    row.voucher.save("发票.pdf", ContentFile(b"%PDF-1.4 voucher"), save=True)
    return {"pk": row.pk}


EVENT_READERS = {"office_staff", "department_staff", "department_head", "leader", "supervision"}
EVENT_WORKERS = {"office_staff", "department_staff", "department_head"}
# 区科技局's own event: 区商务局's head (another subtree) and a street clerk do not see it.
KEJIJU_EVENT_HIDDEN = {"department_head": 404, "other_unit": 404}


def kejiju_event(demo):
    from zhaoshang.events.models import Event

    return {"pk": Event.objects.filter(organiser__name="区科技局").first().pk}


def kejiju_event_material(demo):
    from django.core.files.base import ContentFile

    from zhaoshang.events.models import Event, EventMaterial

    row = EventMaterial(event=Event.objects.filter(organiser__name="区科技局").first(), name="议程")
    row.file.save("议程.pdf", ContentFile(b"%PDF-1.4 agenda"), save=True)
    return {"pk": row.pk}


def agreement_post_only(roles):
    return dict.fromkeys(roles | {"other_unit"} if "department_staff" in roles else roles, 405)


# url name -> (kwargs maker or None, roles that get the page, {persona: other status})
# Roles not listed get 403; anonymous gets a redirect to login (302) unless stated.
# "other_unit" is a department clerk of 友谊路街道 reading records of 区科技局.
TABLE = {
    "org:home": (None, EVERYONE, {}),
    "org:login": (None, set(), {"anonymous": 200, "*": 302}),
    "org:logout": (None, set(), {"anonymous": 405, "*": 405}),
    "org:profile": (None, EVERYONE, {}),
    "org:password_change": (None, EVERYONE, {}),
    "org:otp_setup": (None, EVERYONE, {}),
    "org:otp_verify": (None, EVERYONE, {}),
    "org:department_list": (None, BUSINESS | {"system_admin", "security_admin"}, {}),
    "org:department_create": (None, {"system_admin"}, {}),
    "org:department_edit": (kejiju_unit, {"system_admin"}, {}),
    "org:user_list": (None, {"system_admin", "security_admin"}, {}),
    "org:user_create": (None, {"system_admin"}, {}),
    "org:user_detail": (kejiju_user, {"system_admin", "security_admin"}, {}),
    "org:user_edit": (kejiju_user, {"system_admin"}, {}),
    "org:user_reset_password": (kejiju_user, {"system_admin"}, {}),
    "org:grant_add": (kejiju_user, set(), {"security_admin": 405}),
    "org:grant_remove": (kejiju_grant, set(), {"security_admin": 405}),
    "org:role_list": (None, {"system_admin", "security_admin"}, {}),
    "org:grant_list": (None, {"system_admin", "security_admin"}, {}),
    "org:role_create": (None, {"security_admin"}, {}),
    "org:role_edit": (first("org.Role"), set(), {"security_admin": 302}),  # built-in: back to list
    "org:locked_list": (None, {"security_admin"}, {}),
    "org:unlock": (None, set(), {"security_admin": 405}),
    "org:policy": (None, {"security_admin"}, {}),
    "audit:event_list": (None, {"audit_admin"}, {}),
    "audit:login_list": (None, {"audit_admin"}, {}),
    "reference:industry_list": (None, BUSINESS, {}),
    "reference:key_industry_list": (None, BUSINESS, {}),
    "reference:key_industry_create": (None, {"office_staff"}, {}),
    "reference:key_industry_edit": (first("reference.KeyIndustry"), {"office_staff"}, {}),
    "reference:zone_list": (None, BUSINESS, {}),
    "reference:zone_create": (None, {"office_staff"}, {}),
    "reference:zone_edit": (first("reference.Zone"), {"office_staff"}, {}),
    "reference:carrier_list": (None, BUSINESS, {}),
    "reference:carrier_create": (None, {"office_staff"}, {}),
    "reference:carrier_detail": (first("reference.Carrier"), BUSINESS, {}),
    "reference:carrier_edit": (first("reference.Carrier"), {"office_staff"}, {}),
    "reference:carrier_import": (None, {"office_staff"}, {}),
    "reference:carrier_import_detail": (
        office_import("reference:carrier_import"),
        {"office_staff"},
        {},
    ),
    "reference:region_list": (None, BUSINESS, {}),
    "reference:calendar": (None, CALENDAR_KEEPERS, {}),
    "reference:calendar_import": (None, CALENDAR_KEEPERS, {}),
    "reference:calendar_day_delete": (calendar_day, set(), dict.fromkeys(CALENDAR_KEEPERS, 405)),
    "enterprises:enterprise_list": (None, BUSINESS, {}),
    "enterprises:enterprise_create": (None, WORKERS, {}),
    "enterprises:duplicate_check": (None, BUSINESS, {}),
    "enterprises:enterprise_detail": (first("enterprises.Enterprise"), BUSINESS, {}),
    # Followed by 区科技局: its own unit and the office (and leaders' all-scope) may edit.
    "enterprises:enterprise_edit": (
        first("enterprises.Enterprise"),
        {"office_staff", "department_staff"},
        {"other_unit": 403},
    ),
    # POST-only: whoever holds the permission gets 405 on GET (a POST is scope-checked).
    "enterprises:contact_add": (
        first("enterprises.Enterprise"),
        set(),
        dict.fromkeys(WORKERS | {"other_unit"}, 405),
    ),
    "enterprises:ranking_add": (
        first("enterprises.Enterprise"),
        set(),
        dict.fromkeys(WORKERS | {"other_unit"}, 405),
    ),
    "enterprises:former_name_add": (
        first("enterprises.Enterprise"),
        set(),
        dict.fromkeys(WORKERS | {"other_unit"}, 405),
    ),
    "enterprises:merge": (two_enterprises, {"office_staff"}, {}),
    "enterprises:import_list": (None, WORKERS, {}),
    # An import job is its uploader's own.
    "enterprises:import_detail": (
        kejiju_import,
        {"department_staff"},
        {"office_staff": 404, "department_head": 404, "other_unit": 404},
    ),
    # Notifications: an inbox is its owner's own; robots are set by unit heads and the office.
    # Large exports: the page and the file, for the user who asked only.
    "exports:status": (kejiju_export, set(), {"department_staff": 200, "*": 404}),
    "exports:download": (kejiju_export, set(), {"department_staff": 200, "*": 404}),
    "notifications:inbox": (None, EVERYONE, {}),
    "notifications:badge": (None, EVERYONE, {}),
    "notifications:open": (kejiju_notification, set(), {"department_staff": 302, "*": 404}),
    "notifications:mark_read": (kejiju_notification, set(), {"*": 405}),
    "notifications:mark_all_read": (None, set(), {"*": 405}),
    "notifications:webhook_list": (None, {"office_staff", "department_head"}, {}),
    # 区科技局's robot: the office sees every unit, 区商务局's head only his own tree.
    "notifications:webhook_edit": (
        kejiju_webhook,
        {"office_staff"},
        {"department_head": 404},
    ),
    "notifications:webhook_test": (
        kejiju_webhook,
        set(),
        {"office_staff": 405, "department_head": 405},
    ),
    # Projects, stages, ledger, funds, problems (pipeline/views.py).
    "pipeline:kanban": (None, BUSINESS, {}),
    "pipeline:project_list": (None, BUSINESS, {}),
    "pipeline:project_create": (None, WORKERS, {}),
    "pipeline:project_detail": (kejiju_project, BUSINESS, PROJECT_READERS_HIDDEN),
    "pipeline:project_edit": (
        kejiju_project,
        {"office_staff", "department_staff"},
        {"department_head": 404, "other_unit": 404},
    ),
    # Without a target stage the move page sends the user back to the project.
    "pipeline:project_move": (
        kejiju_project,
        set(),
        {"office_staff": 302, "department_staff": 302, "department_head": 404, "other_unit": 404},
    ),
    "pipeline:ledger_add": (kejiju_project, set(), PROJECT_POST_ONLY),
    "pipeline:funds_add": (kejiju_project, set(), PROJECT_POST_ONLY),
    "pipeline:funds_delete": (
        project_child("pipeline.FundsEntry", "entry"),
        set(),
        PROJECT_POST_ONLY,
    ),
    "pipeline:problem_add": (kejiju_project, set(), PROJECT_POST_ONLY),
    "pipeline:problem_action": (
        project_child("pipeline.Problem", "problem"),
        set(),
        PROJECT_POST_ONLY,
    ),
    "pipeline:member_add": (kejiju_project, set(), PROJECT_POST_ONLY),
    "pipeline:member_remove": (
        project_child("pipeline.ProjectMember", "member"),
        set(),
        PROJECT_POST_ONLY,
    ),
    "pipeline:overdue_ledgers": (None, BUSINESS, {}),
    "pipeline:problem_list": (None, BUSINESS, {}),
    "pipeline:funnel": (None, BUSINESS, {}),
    "pipeline:config": (None, {"office_staff"}, {}),
    "pipeline:import_list": (None, WORKERS, {}),
    # A project-ledger import is its uploader's own.
    "pipeline:import_detail": (
        kejiju_project_import,
        {"department_staff"},
        {"office_staff": 404, "department_head": 404, "other_unit": 404},
    ),
    # Leads: a unit reads its own leads, the pool, and leads pushed to it.
    "pipeline:lead_list": (None, BUSINESS, {}),
    "pipeline:lead_pool": (None, BUSINESS, {}),
    "pipeline:lead_register": (None, WORKERS, {}),
    "pipeline:lead_enterprise_search": (None, WORKERS, {}),
    "pipeline:lead_attribution": (None, WORKERS, {}),
    "pipeline:lead_detail": (
        kejiju_lead,
        BUSINESS,
        {"department_head": 404, "tax": 404, "other_unit": 404},
    ),
    "pipeline:lead_claim": (pooled_lead, set(), dict.fromkeys(WORKERS | {"other_unit"}, 405)),
    "pipeline:lead_push": (kejiju_lead, set(), dict.fromkeys(WORKERS | {"other_unit"}, 405)),
    "pipeline:lead_request": (kejiju_lead, set(), dict.fromkeys(WORKERS | {"other_unit"}, 405)),
    "pipeline:lead_reassign": (kejiju_lead, {"office_staff"}, {}),
    "pipeline:lead_push_list": (None, BUSINESS, {}),
    "pipeline:lead_push_answer": (
        pending_push,
        set(),
        dict.fromkeys(WORKERS | {"other_unit"}, 405),
    ),
    "pipeline:lead_push_withdraw": (
        pending_push,
        set(),
        dict.fromkeys(WORKERS | {"other_unit"}, 405),
    ),
    # --- Admission evaluation and tailored terms ---
    # Templates are the office's. 区商务局's head (department_head) is a named reviewer of
    # 区科技局's evaluation: it opens for them (and only it, not the project's terms page).
    "pipeline:evaluation_template_list": (None, {"office_staff"}, {}),
    "pipeline:evaluation_template_edit": (
        first("pipeline.EvaluationTemplate"),
        {"office_staff"},
        {},
    ),
    "pipeline:evaluation_template_copy": (
        first("pipeline.EvaluationTemplate"),
        set(),
        {"office_staff": 405},
    ),
    "pipeline:evaluation_criterion_delete": (
        first("pipeline.EvaluationCriterion"),
        set(),
        {"office_staff": 405},
    ),
    "pipeline:evaluation_list": (None, BUSINESS, {}),
    "pipeline:review_list": (None, BUSINESS, {}),
    "pipeline:evaluation_detail": (kejiju_evaluation, BUSINESS, {"other_unit": 404, "tax": 404}),
    # Only reviewers score (区科技局's clerk and 区商务局's head are reviewers in the demo).
    "pipeline:evaluation_score": (
        kejiju_evaluation,
        {"department_staff", "department_head"},
        {"other_unit": 404, "tax": 404},
    ),
    "pipeline:evaluation_decide": (
        kejiju_evaluation,
        set(),
        {"office_staff": 405},
    ),
    "pipeline:evaluation_create": (kejiju_evaluated_project, {"office_staff"}, {}),
    "pipeline:terms_list": (None, BUSINESS, {}),
    "pipeline:project_terms": (
        kejiju_evaluated_project,
        BUSINESS,
        dict.fromkeys({"other_unit", "tax", "department_head"}, 404),
    ),
    "pipeline:terms_start": (
        kejiju_evaluated_project,
        set(),
        dict.fromkeys(BUSINESS | {"other_unit"}, 405),
    ),
    # Core terms are drafted by the project's unit; out of scope reads 404.
    "pipeline:terms_document": (
        kejiju_approval("core_terms"),
        {"department_staff"},
        dict.fromkeys({"other_unit", "tax", "department_head"}, 404),
    ),
    "pipeline:terms_submit": (
        kejiju_approval(None),
        set(),
        dict.fromkeys(BUSINESS | {"other_unit"}, 405),
    ),
    "pipeline:terms_meeting": (kejiju_approval(None), {"office_staff"}, {}),
    "pipeline:terms_file": (
        kejiju_terms_file,
        BUSINESS,
        dict.fromkeys({"other_unit", "tax", "department_head"}, 404),
    ),
    # Targets, the monthly report and dashboards (issue 5): the office issues and sets
    # targets; leaders and supervision read all; units read the issued report and their own.
    "assessment:target_list": (None, REPORT_READERS | UNIT_REPORTERS, {}),
    "assessment:target_edit": (kejiju_target, {"office_staff"}, {}),
    "assessment:target_import": (None, {"office_staff"}, {}),
    "assessment:target_import_detail": (
        office_import("assessment:target_import"),
        {"office_staff"},
        {},
    ),
    # The assessment (issue 17): the office edits the scheme, computes and issues; leaders
    # and supervision read every unit; a unit reads issued results and its own sheet.
    "assessment:scheme": (None, REPORT_READERS | UNIT_REPORTERS, {}),
    "assessment:result_list": (None, REPORT_READERS | UNIT_REPORTERS, {}),
    "assessment:result_detail": (issued_result, REPORT_READERS | UNIT_REPORTERS, {}),
    "assessment:result_issue": (issued_result, set(), {"*": 405, "anonymous": 405}),
    "assessment:result_lead": (issued_result, set(), {"*": 405, "anonymous": 405}),
    "assessment:objection_file": (issued_result, set(), {"*": 405, "anonymous": 405}),
    "assessment:objection_answer": (first_pk(1), set(), {"*": 405, "anonymous": 405}),
    "assessment:result_download": (
        issued_result_as("docx"),
        REPORT_READERS | UNIT_REPORTERS,
        {},
    ),
    "assessment:score_sheet": (
        kejiju_sheet(),
        REPORT_READERS | {"department_staff"},
        {"other_unit": 403},
    ),
    "assessment:records": (
        kejiju_sheet("signed_projects"),
        REPORT_READERS | {"department_staff"},
        {"other_unit": 403},
    ),
    "assessment:dispatch": (None, REPORT_READERS, {}),
    "reports:monthly": (None, REPORT_READERS, {}),
    "reports:issue": (None, set(), {"*": 405, "anonymous": 405}),
    "reports:issued_list": (None, REPORT_READERS | UNIT_REPORTERS, {}),
    "reports:issued_detail": (issued_report, REPORT_READERS | UNIT_REPORTERS, {}),
    "reports:records": (None, REPORT_READERS | UNIT_REPORTERS, {}),
    "reports:dashboard": (None, REPORT_READERS, {}),
    "reports:office_dashboard": (None, {"office_staff"}, {}),
    "reports:unit_dashboard": (None, UNIT_REPORTERS, {}),
    "reports:rate_list": (None, REPORT_READERS, {}),
    # Aftercare (issue 13): tickets, visits, expansion.
    "aftercare:ticket_list": (None, AFTERCARE_READERS, {}),
    "aftercare:ticket_create": (None, AFTERCARE_WORKERS, {}),
    "aftercare:ticket_detail": (
        kejiju_ticket,
        AFTERCARE_READERS,
        {"department_head": 404, "tax": 404},
    ),
    "aftercare:ticket_action": (kejiju_ticket, set(), AFTERCARE_POST_ONLY),
    "aftercare:ticket_expansion": (kejiju_ticket, set(), AFTERCARE_POST_ONLY),
    "aftercare:dashboard": (None, AFTERCARE_READERS, {}),
    "aftercare:type_list": (None, {"office_staff"}, {}),
    "aftercare:type_create": (None, {"office_staff"}, {}),
    "aftercare:type_edit": (first("aftercare.TicketType"), {"office_staff"}, {}),
    "aftercare:coverage": (None, AFTERCARE_READERS, {}),
    "aftercare:key_enterprise_add": (None, set(), {"office_staff": 405}),
    "aftercare:visit_list": (None, AFTERCARE_READERS, {}),
    "aftercare:visit_create": (None, set(), AFTERCARE_POST_ONLY),
    "aftercare:visit_calendar": (None, AFTERCARE_READERS, {}),
    "aftercare:visit_detail": (
        kejiju_visit,
        AFTERCARE_READERS,
        {"department_head": 404, "tax": 404, "other_unit": 404},
    ),
    "aftercare:visit_action": (kejiju_visit, set(), AFTERCARE_POST_ONLY),
    "aftercare:expansion_list": (None, AFTERCARE_READERS, {}),
    # Partners and finder rewards (issue 16).
    "partners:partner_list": (None, PARTNER_READERS, {}),
    "partners:partner_create": (None, {"office_staff"}, {}),
    "partners:partner_detail": (first("partners.Partner"), PARTNER_READERS, {}),
    "partners:partner_edit": (first("partners.Partner"), {"office_staff"}, {}),
    "partners:contact_add": (first("partners.Partner"), set(), {"office_staff": 405}),
    "partners:contact_delete": (partner_contact, set(), {"office_staff": 405}),
    "partners:fee_pay": (agency, set(), {"finance": 405}),
    "partners:rule_list": (None, PARTNER_READERS, {}),
    "partners:rule_create": (None, {"office_staff"}, {}),
    "partners:rule_edit": (first("partners.RewardRule"), {"office_staff"}, {}),
    "partners:reward_list": (None, PARTNER_READERS, {}),
    "partners:reward_propose": (None, set(), {"office_staff": 405}),
    "partners:reward_detail": (
        first("partners.FinderReward"),
        PARTNER_READERS,
        REWARD_HIDDEN,
    ),
    "partners:reward_action": (
        first("partners.FinderReward"),
        set(),
        dict.fromkeys(PARTNER_READERS | {"other_unit"}, 405),
    ),
    # Complaints: the discipline office handles, leaders read; units get their tasks.
    "complaints:complaint_list": (None, COMPLAINT_READERS, {}),
    "complaints:complaint_create": (None, {"discipline"}, {}),
    "complaints:complaint_detail": (first("complaints.Complaint"), COMPLAINT_READERS, {}),
    "complaints:complaint_action": (first("complaints.Complaint"), set(), {"discipline": 405}),
    "complaints:case_edit": (first("complaints.Complaint"), set(), {"discipline": 405}),
    "complaints:case_list": (None, {"discipline"}, {}),
    "complaints:case_publish": (first("complaints.TypicalCase"), set(), {"discipline": 405}),
    "complaints:task_list": (None, AFTERCARE_WORKERS, {}),
    "complaints:task_detail": (
        kejiju_task,
        {"office_staff", "department_staff"},
        {"department_head": 404, "tax": 404, "other_unit": 404},
    ),
    # Supervision items (issue 16).
    "supervision:item_list": (None, SUPERVISION_READERS, {}),
    "supervision:item_create": (None, {"supervision"}, {}),
    "supervision:notice": (None, SUPERVISION_READERS, {}),
    "supervision:notice_download": (None, SUPERVISION_READERS, {}),
    "supervision:item_detail": (kejiju_item, SUPERVISION_KEJIJU, SUPERVISION_HIDDEN),
    # POST only: a GET is refused before the item is read.
    "supervision:item_action": (
        kejiju_item,
        set(),
        dict.fromkeys([*SUPERVISION_READERS, "other_unit"], 405),
    ),
    "supervision:item_report": (
        kejiju_item,
        set(),
        dict.fromkeys(
            ["office_staff", "department_staff", "department_head", "tax", "other_unit"], 405
        ),
    ),
    "supervision:accountability_add": (kejiju_item, set(), {"supervision": 405}),
    "supervision:report_file": (kejiju_item_file, SUPERVISION_KEJIJU, SUPERVISION_HIDDEN),
    "supervision:decision_file": (kejiju_item_decision, SUPERVISION_KEJIJU, SUPERVISION_HIDDEN),
    # The promotion budget (issue 16): finance sets lines, units post, leaders read.
    "budget:report": (None, BUDGET_READERS, {}),
    "budget:line_create": (None, {"finance"}, {}),
    "budget:line_detail": (kejiju_budget_line, BUDGET_READERS, KEJIJU_BUDGET_HIDDEN),
    "budget:line_adjust": (kejiju_budget_line, set(), {"finance": 405}),
    "budget:spending_list": (None, BUDGET_READERS, {}),
    "budget:spending_create": (None, BUDGET_POSTERS, {}),
    "budget:spending_voucher": (
        kejiju_spending_with_voucher,
        BUDGET_READERS,
        KEJIJU_BUDGET_HIDDEN,
    ),
    "budget:spending_reverse": (first("budget.Spending"), set(), {"finance": 405}),
    # Promotion events and their quota (issue 16).
    "events:event_list": (None, EVENT_READERS, {}),
    "events:event_create": (None, EVENT_WORKERS, {}),
    "events:event_detail": (kejiju_event, EVENT_READERS, KEJIJU_EVENT_HIDDEN),
    "events:event_edit": (
        kejiju_event,
        {"office_staff", "department_staff"},
        KEJIJU_EVENT_HIDDEN,
    ),
    "events:event_action": (
        kejiju_event,
        set(),
        dict.fromkeys(EVENT_WORKERS | {"other_unit"}, 405),
    ),
    "events:material_download": (kejiju_event_material, EVENT_READERS, KEJIJU_EVENT_HIDDEN),
    "events:quota_list": (None, EVENT_READERS, {}),
    "events:quota_set": (None, set(), {"office_staff": 405}),
    "events:zone_quota_set": (None, set(), {"office_staff": 405}),
    # Agreements, incentives, disbursement and clawback (issue 12).
    "agreements:agreement_list": (None, AGREEMENT_READERS, {}),
    "agreements:agreement_create": (None, AGREEMENT_WORKERS, {}),
    "agreements:agreement_detail": (kejiju_agreement, AGREEMENT_READERS, AGREEMENT_HIDDEN),
    "agreements:commitment_add": (
        kejiju_agreement,
        set(),
        agreement_post_only(AGREEMENT_WORKERS),
    ),
    "agreements:clause_create": (kejiju_agreement, AGREEMENT_WORKERS, AGREEMENT_HIDDEN),
    "agreements:file_add": (kejiju_agreement, set(), agreement_post_only(AGREEMENT_WORKERS)),
    "agreements:move_out": (kejiju_agreement, set(), agreement_post_only(AGREEMENT_WORKERS)),
    "agreements:calculation_run": (kejiju_agreement, set(), {"office_staff": 405}),
    "agreements:clawback_create": (kejiju_agreement, set(), {"office_staff": 405}),
    "agreements:clause_amend": (
        kejiju_agreement_child("agreements.IncentiveClause"),
        AGREEMENT_WORKERS,
        AGREEMENT_HIDDEN,
    ),
    "agreements:file_download": (kejiju_agreement_file, AGREEMENT_READERS, AGREEMENT_HIDDEN),
    "agreements:calculation_detail": (
        kejiju_agreement_child("agreements.Calculation"),
        AMOUNT_READERS,
        AGREEMENT_HIDDEN,
    ),
    "agreements:calculation_submit": (
        kejiju_agreement_child("agreements.Calculation"),
        set(),
        {"office_staff": 405},
    ),
    "agreements:disbursement_list": (None, AMOUNT_READERS, {}),
    "agreements:disbursement_detail": (
        kejiju_agreement_child("agreements.Disbursement"),
        AMOUNT_READERS,
        AGREEMENT_HIDDEN,
    ),
    "agreements:disbursement_move": (
        kejiju_agreement_child("agreements.Disbursement"),
        set(),
        {"*": 405},
    ),
    # The tax office's own page: the figures it supplied, no amounts.
    "agreements:disbursement_data": (
        kejiju_agreement_child("agreements.Disbursement"),
        {"tax"},
        {},
    ),
    "agreements:data_queue": (None, {"tax"}, {}),
    "agreements:clawback_detail": (kejiju_clawback, AMOUNT_READERS, AGREEMENT_HIDDEN),
    "agreements:clawback_move": (
        kejiju_clawback,
        set(),
        dict.fromkeys(AMOUNT_READERS | {"other_unit"}, 405),
    ),
    "agreements:data_list": (None, DATA_SUPPLIERS, {}),
    "agreements:import_list": (None, DATA_SUPPLIERS, {}),
    # An operating-data import is its uploader's own.
    "agreements:import_detail": (tax_data_import, {"tax"}, {"office_staff": 404}),
    "agreements:fulfilment": (None, AGREEMENT_READERS, {}),
    "agreements:report": (None, AMOUNT_READERS, {}),
    # API keys for other systems: accounts, so the system administrator's.
    "apikeys:key_list": (None, {"system_admin"}, {}),
    "apikeys:key_create": (None, {"system_admin"}, {}),
    "apikeys:key_revoke": (api_key, set(), {"system_admin": 405}),
    # The API answers 401 to the anonymous and 403 to a role without the permission.
    "api:api-root": None,  # ninja's root has no page of its own
    "api:openapi-json": (None, EVERYONE, {}),
    "api:openapi-view": (None, EVERYONE, {}),
    # The opportunity library, the policy library, bulletins and the portal (issue 14).
    "opportunities:opportunity_list": (None, BUSINESS, {}),
    "opportunities:opportunity_create": (None, WORKERS, {}),
    "opportunities:opportunity_detail": (kejiju_opportunity, BUSINESS, KEJIJU_ONLY),
    "opportunities:opportunity_edit": (
        kejiju_opportunity,
        {"office_staff", "department_staff"},
        {"department_head": 404, "other_unit": 404},
    ),
    "opportunities:opportunity_status": (kejiju_opportunity, set(), {"*": 405, "anonymous": 405}),
    "opportunities:document_add": (kejiju_opportunity, set(), {"*": 405, "anonymous": 405}),
    "opportunities:document_download": (kejiju_opportunity_document, BUSINESS, KEJIJU_ONLY),
    "policies:policy_list": (None, BUSINESS, {}),
    "policies:policy_create": (None, WORKERS, {}),
    "policies:policy_detail": (kejiju_policy, BUSINESS, KEJIJU_ONLY),
    "policies:policy_edit": (
        kejiju_policy,
        {"office_staff", "department_staff"},
        {"department_head": 404, "other_unit": 404},
    ),
    "policies:policy_revise": (
        kejiju_policy,
        {"office_staff", "department_staff"},
        {"department_head": 404, "other_unit": 404},
    ),
    "policies:policy_publish": (kejiju_policy, set(), {"*": 405, "anonymous": 405}),
    "policies:policy_repeal": (kejiju_policy, set(), {"*": 405, "anonymous": 405}),
    "policies:attachment_add": (kejiju_policy, set(), {"*": 405, "anonymous": 405}),
    "policies:attachment_download": (kejiju_policy_attachment, BUSINESS, KEJIJU_ONLY),
    "reports:bulletin_list": (None, REPORT_READERS | UNIT_REPORTERS, {}),
    "reports:bulletin_generate": (None, set(), {"*": 405, "anonymous": 405}),
    "reports:bulletin_detail": (issued_bulletin, REPORT_READERS | UNIT_REPORTERS, {}),
    "reports:bulletin_action": (issued_bulletin, set(), {"*": 405, "anonymous": 405}),
    "portal_admin:profile": (None, {"office_staff"}, {}),
    "portal_admin:showcase_list": (None, {"office_staff"}, {}),
    "portal_admin:showcase_remove": (showcase, set(), {"*": 405, "anonymous": 405}),
    "portal_admin:submission_list": (None, {"office_staff"}, {}),
    **portal_rows(),
    # Industry chains (issue 15): every reader of the enterprise library reads them; the
    # office edits. Writes are POST only.
    "chains:chain_list": (None, BUSINESS, {}),
    "chains:chain_create": (None, {"office_staff"}, {}),
    "chains:weights": (None, {"office_staff"}, {}),
    "chains:report": (None, BUSINESS, {}),
    "chains:import_list": (None, {"office_staff"}, {}),
    "chains:import_detail": (office_import("chains:import_list"), {"office_staff"}, {}),
    "chains:chain_detail": (first("chains.Chain"), BUSINESS, {}),
    "chains:chain_data": (first("chains.Chain"), BUSINESS, {}),
    "chains:chain_edit": (first("chains.Chain"), {"office_staff"}, {}),
    "chains:chain_copy": (first("chains.Chain"), {"office_staff"}, {}),
    "chains:chain_delete": (first("chains.Chain"), set(), {"*": 405, "anonymous": 405}),
    "chains:chain_recompute": (first("chains.Chain"), set(), {"*": 405, "anonymous": 405}),
    "chains:link_create": (first("chains.Chain"), {"office_staff"}, {}),
    "chains:link_panel": (chain_link, BUSINESS, {}),
    "chains:link_edit": (chain_link, {"office_staff"}, {}),
    "chains:link_delete": (chain_link, set(), {"*": 405, "anonymous": 405}),
    "chains:placement_add": (chain_link, set(), {"*": 405, "anonymous": 405}),
    "chains:placement_remove": (chain_link, set(), {"*": 405, "anonymous": 405}),
    "chains:target_register": (chain_link, set(), {"*": 405, "anonymous": 405}),
    # The CAPTCHA's image is public; audio needs flite (not installed: 404), refresh
    # answers only an XMLHttpRequest.
    "captcha-image": (captcha_key, set(), PUBLIC),
    "captcha-image-2x": (captcha_key, set(), PUBLIC),
    "captcha-audio": (captcha_key, set(), {"anonymous": 404, "*": 404}),
    "captcha-refresh": (None, set(), {"anonymous": 404, "*": 404}),
}

# API endpoints by path (ninja names them after their functions).
API_TABLE = {
    "/api/org/me": (EVERYONE, {}),
    "/api/org/departments": (BUSINESS | {"system_admin", "security_admin"}, {}),
    "/api/org/departments/{department_id}": (
        BUSINESS | {"system_admin", "security_admin"},
        # Own unit only, or below 区商务局: 区科技局 is out of their scope.
        {"other_unit": 404, "tax": 404, "department_head": 404},
    ),
    "/api/reference/industries": (BUSINESS, {}),
    "/api/reference/key-industries": (BUSINESS, {}),
    "/api/reference/zones": (BUSINESS, {}),
    "/api/reference/carriers": (BUSINESS, {}),
    "/api/reference/carriers/{carrier_id}": (BUSINESS, {}),
    "/api/reference/regions": (BUSINESS, {}),
    "/api/enterprises/": (BUSINESS, {}),
    "/api/enterprises/{enterprise_id}": (BUSINESS, {}),
    # Projects API (pipeline/api.py); {project_id} is 区科技局's first project.
    "/api/pipeline/projects": (BUSINESS, {}),
    "/api/pipeline/projects/{project_id}": (BUSINESS, PROJECT_READERS_HIDDEN),
    "/api/pipeline/projects/{project_id}/move": (set(), {"*": 405, "anonymous": 405}),
    "/api/pipeline/projects/{project_id}/ledger": (BUSINESS, PROJECT_READERS_HIDDEN),
    "/api/pipeline/projects/{project_id}/funds": (BUSINESS, PROJECT_READERS_HIDDEN),
    "/api/pipeline/projects/{project_id}/problems": (BUSINESS, PROJECT_READERS_HIDDEN),
    "/api/pipeline/problems/{problem_id}/escalate": (set(), {"*": 405, "anonymous": 405}),
    "/api/pipeline/problems/{problem_id}/resolve": (set(), {"*": 405, "anonymous": 405}),
    "/api/pipeline/problems/{problem_id}/reopen": (set(), {"*": 405, "anonymous": 405}),
    # Leads
    "/api/leads/": (BUSINESS, {}),
    "/api/leads/{lead_id}": (BUSINESS, {"department_head": 404, "tax": 404, "other_unit": 404}),
    "/api/leads/{lead_id}/claim": (set(), {"*": 405, "anonymous": 405}),
    "/api/leads/{lead_id}/push": (set(), {"*": 405, "anonymous": 405}),
    "/api/leads/pushes/{push_id}/answer": (set(), {"*": 405, "anonymous": 405}),
    # Admission evaluation and tailored terms (区商务局's head reviews 区科技局's evaluation).
    "/api/approvals/evaluations": (BUSINESS, {}),
    "/api/approvals/evaluations/{evaluation_id}": (BUSINESS, {"tax": 404, "other_unit": 404}),
    "/api/approvals/terms": (BUSINESS, {}),
    "/api/approvals/terms/{approval_id}": (
        BUSINESS,
        {"department_head": 404, "tax": 404, "other_unit": 404},
    ),
    # The monthly report and dashboards: the same readers as their pages.
    "/api/reports/monthly": (REPORT_READERS, {}),
    "/api/reports/issued": (REPORT_READERS | UNIT_REPORTERS, {}),
    "/api/reports/issued/{issued_id}": (REPORT_READERS | UNIT_REPORTERS, {}),
    "/api/reports/dashboard": (REPORT_READERS, {}),
    "/api/reports/dashboard/unit": (UNIT_REPORTERS, {}),
    # Aftercare and complaints: the same readers as their pages.
    "/api/aftercare/tickets": (AFTERCARE_READERS, {}),
    "/api/aftercare/tickets/{ticket_id}": (
        AFTERCARE_READERS,
        {"department_head": 404, "tax": 404},
    ),
    "/api/complaints/": (COMPLAINT_READERS, {}),
    "/api/complaints/tasks": (AFTERCARE_WORKERS, {}),
    # Agreements: the same readers as their pages.
    "/api/agreements/": (AGREEMENT_READERS, {}),
    "/api/agreements/disbursements": (AMOUNT_READERS, {}),
    "/api/agreements/{agreement_id}": (AGREEMENT_READERS, AGREEMENT_HIDDEN),
    "/api/agreements/{agreement_id}/calculations": (AMOUNT_READERS, AGREEMENT_HIDDEN),
}


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_a_row():
    names = set(named_patterns())
    api_names = {n for n in names if n.startswith("api:") and n not in TABLE}
    missing = names - set(TABLE) - api_names
    assert not missing, f"这些地址在访问矩阵中没有对应行：{sorted(missing)}"
    stale = set(TABLE) - names
    assert not stale, f"访问矩阵中有已不存在的地址：{sorted(stale)}"


def test_every_api_path_has_a_row():
    from zhaoshang.api.api import api

    schema = api.get_openapi_schema()
    paths = set(schema["paths"])
    assert paths == set(API_TABLE), (
        f"接口与访问矩阵不一致：缺少 {sorted(paths - set(API_TABLE))}，多余 {sorted(set(API_TABLE) - paths)}"
    )


def expected(persona, allowed, overrides, anonymous_default=302):
    if persona in overrides:
        return overrides[persona]
    if persona != "anonymous" and "*" in overrides:
        return overrides["*"]
    if persona == "anonymous":
        return anonymous_default
    role = "department_staff" if persona == "other_unit" else persona
    return 200 if role in allowed else 403


@pytest.fixture
def personas(demo, client_for):
    from django.test import Client

    clients = {"anonymous": Client()}
    for role in ROLES:
        clients[role] = client_for(role)
    # A clerk of another unit (a street) than department_staff's.
    c = Client()
    c.force_login(demo["street_staff"])
    clients["other_unit"] = c
    return clients


@pytest.mark.usefixtures("demo_district")  # a record of every kind to open
def test_pages(demo, personas):
    failures = []
    for name, row in TABLE.items():
        if row is None:
            continue
        make_kwargs, allowed, overrides = row
        url = reverse(name, kwargs=make_kwargs(demo) if make_kwargs else None)
        for persona, c in personas.items():
            want = expected(persona, allowed, overrides)
            response = c.get(url)
            got = response.status_code
            if got != want:
                failures.append(f"{persona} GET {url}（{name}）：期望 {want}，实际 {got}")
            # Every answer, a page, a refusal or a download, carries the policy.
            if "frame-ancestors 'none'" not in response.get("Content-Security-Policy", ""):
                failures.append(f"{persona} GET {url}（{name}）：缺少 Content-Security-Policy")
    assert not failures, "\n".join(failures)


@pytest.mark.usefixtures("demo_district")  # a record of every kind to open
def test_api(demo, personas):
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.reference.models import Carrier

    values = {
        "department_id": demo["department_staff"].department_id,
        "carrier_id": Carrier.objects.order_by("pk").values_list("pk", flat=True).first(),
        "enterprise_id": Enterprise.objects.order_by("pk").values_list("pk", flat=True).first(),
        "project_id": kejiju_project(demo)["pk"],
        "problem_id": project_child("pipeline.Problem", "problem")(demo)["problem"],
        # Leads
        "lead_id": kejiju_lead(demo)["pk"],
        "push_id": pending_push(demo)["pk"],
        # Admission evaluation and tailored terms
        "evaluation_id": kejiju_evaluation(demo)["pk"],
        "approval_id": kejiju_approval(None)(demo)["pk"],
        "issued_id": issued_report(demo)["pk"],
        "ticket_id": kejiju_ticket(demo)["pk"],
        "agreement_id": kejiju_agreement(demo)["pk"],
    }
    failures = []
    for path, (allowed, overrides) in API_TABLE.items():
        url = path.format(**values)
        for persona, c in personas.items():
            want = expected(persona, allowed, overrides, anonymous_default=401)
            got = c.get(url).status_code
            if got != want:
                failures.append(f"{persona} GET {url}：期望 {want}，实际 {got}")
    assert not failures, "\n".join(failures)


# The same API walked with API keys instead of sessions: a key acts as a person of its
# unit holding its role, so it gets exactly what that person gets (区科技局's clerk, and
# 友谊路街道's clerk reading 区科技局's records), never more.
KEY_PERSONAS = {"department_staff": "区科技局", "other_unit": "友谊路街道"}


@pytest.mark.usefixtures("demo_district")  # a record of every kind to open
def test_api_with_keys(demo):
    from django.test import Client

    from zhaoshang.api import keys, services
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import Department, Role
    from zhaoshang.reference.models import Carrier

    raw = {}
    for persona, unit in KEY_PERSONAS.items():
        _, raw[persona] = services.api_key_create(
            actor=demo["system_admin"],
            data={
                "name": f"{unit}对接系统",
                "department": Department.objects.get(name=unit),
                "role": Role.objects.get(code="department_staff"),
                "modules": list(keys.modules()),
            },
        )
    values = {
        "department_id": demo["department_staff"].department_id,
        "carrier_id": Carrier.objects.order_by("pk").values_list("pk", flat=True).first(),
        "enterprise_id": Enterprise.objects.order_by("pk").values_list("pk", flat=True).first(),
        "project_id": kejiju_project(demo)["pk"],
        "problem_id": project_child("pipeline.Problem", "problem")(demo)["problem"],
        "lead_id": kejiju_lead(demo)["pk"],
        "push_id": pending_push(demo)["pk"],
        "evaluation_id": kejiju_evaluation(demo)["pk"],
        "approval_id": kejiju_approval(None)(demo)["pk"],
        "issued_id": issued_report(demo)["pk"],
        "ticket_id": kejiju_ticket(demo)["pk"],
        "agreement_id": kejiju_agreement(demo)["pk"],
    }
    machine = Client()
    failures = []
    for path, (allowed, overrides) in API_TABLE.items():
        url = path.format(**values)
        for persona, key in raw.items():
            want = expected(persona, allowed, overrides)
            got = machine.get(url, headers={"X-API-Key": key}).status_code
            if got != want:
                failures.append(f"{persona} 的接口密钥 GET {url}：期望 {want}，实际 {got}")
    assert not failures, "\n".join(failures)
