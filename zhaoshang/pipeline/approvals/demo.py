"""Demo data of admission evaluation and tailored terms: the Chengyang five-dimension
template, evaluated projects and one tailored-terms approval through two meetings.
Demo only; every write goes through approval_services like real work."""

from decimal import Decimal

from django.utils import timezone

from ..models import (
    Evaluation,
    EvaluationCriterion,
    EvaluationTemplate,
    MeetingRecord,
    Project,
    Stage,
    TermsState,
)
from .services import (
    criterion_add,
    evaluation_create,
    evaluation_decide,
    evaluation_missing,
    evaluation_score_save,
    evaluation_template_create,
    meeting_record,
    terms_document_save,
    terms_start,
    terms_submit,
)

CHENGYANG_TEMPLATE = "城阳区招商引资产业项目评估（五维度）"
# dimension, content, weight, rule, source field, thresholds
CHENGYANG_CRITERIA = [
    (
        "industry_structure",
        "符合区重点产业方向和产业链定位，属建链、延链、补链、强链项目",
        20,
        "manual",
        "",
        "",
    ),
    ("land_planning", "符合土地利用总体规划和城市规划，用地集约节约", 15, "manual", "", ""),
    (
        "economic_benefit",
        "投资强度（万元/亩）",
        10,
        "computed",
        "investment_intensity",
        "500:10；300:7；200:4",
    ),
    ("economic_benefit", "亩均税收（万元/亩）", 10, "computed", "tax_per_mu", "50:10；30:7；15:4"),
    ("high_output", "亩均产出（万元/亩）", 5, "computed", "output_per_mu", "800:10；500:7；300:4"),
    ("social_benefit", "带动就业（人）", 10, "computed", "expected_jobs", "500:10；200:7；50:4"),
    ("social_benefit", "对民生、配套和区域形象的带动作用", 5, "manual", "", ""),
    ("safety_environment", "安全生产条件、能耗与环境影响", 15, "manual", "", ""),
    (
        "high_tech",
        "科技含量（研发投入、专利、高新技术企业）",
        5,
        "computed",
        "tech_content",
        "80:10；60:7；40:4",
    ),
    (
        "high_linkage",
        "产业关联度（与本区企业上下游配套）",
        5,
        "computed",
        "industry_linkage",
        "80:10；60:7；40:4",
    ),
]

# name, unit, enterprise index, estimated investment (亿元), land 亩, intensity, tax/亩,
# output/亩, jobs, tech, linkage
DEMO_PROJECTS = [
    ("新能源汽车电驱系统生产基地", "区科技局", 1, 8, 120, 666, 40, 900, 600, 85, 70),
    ("智能算力中心二期", "陈塘科技商务区", 2, 3, 40, 750, 25, 600, 150, 90, 60),
    ("跨境电商区域结算中心", "区商务局", 3, 2, None, None, None, None, 120, 50, 40),
]


def demo_template():
    """The Chengyang five-dimension template, created on first use."""
    template = (
        EvaluationTemplate.objects.filter(name=CHENGYANG_TEMPLATE).order_by("-edition").first()
    )
    if template is not None:
        return template
    from zhaoshang.org.models import User

    office = User.objects.get(username="zhaoshangban")
    template = evaluation_template_create(
        actor=office,
        data={
            "name": CHENGYANG_TEMPLATE,
            "description": "依据《城阳区招商引资产业项目评估和决策办法》，从产业结构、土地规划、"
            "经济效益、社会效益、安全环保五个方面并结合“四高”评估重大项目。",
        },
    )
    for dim, content, weight, rule, source, thresholds in CHENGYANG_CRITERIA:
        criterion_add(
            actor=office,
            template=template,
            data={
                "dimension": dim,
                "name": content,
                "weight": Decimal(weight),
                "rule": rule,
                "max_score": Decimal(10),
                "source_field": source,
                "thresholds": thresholds,
            },
        )
    return template


def demo_admit_before_signing(*, project, data, decided_on):
    """For demo projects that sign above the evaluation size: the admission they would
    have had (the office as sole reviewer, 准入), so the signing guard lets them through
    as it would in real work. Does nothing below the size."""
    if not evaluation_missing(project, data):
        return None
    from zhaoshang.org.models import User

    office = User.objects.get(username="zhaoshangban")
    template = demo_template()
    evaluation = evaluation_create(
        actor=office, project=project, template=template, reviewers=[office]
    )
    evaluation_score_save(
        actor=office,
        evaluation=evaluation,
        scores={
            c.pk: (8, "")
            for c in template.criteria.all()
            if c.rule == EvaluationCriterion.Rule.MANUAL
        },
        submit=True,
    )
    return evaluation_decide(
        actor=office,
        evaluation=evaluation,
        decision=Evaluation.Decision.ADMIT,
        reasons="符合区重点产业方向，经济和社会效益较好。",
        today=decided_on,
    )


def load_demo_approvals(*, departments):
    """The Chengyang five-dimension template; one project evaluated (有条件准入) whose
    tailored terms were returned once and then approved; one being scored by 区科技局's
    clerk (outside 陈塘's scope) and awaiting the meeting; one still to be evaluated."""
    import datetime as dt

    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.org.models import User

    from ..projects.services import project_create

    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["zhaoshangban", "kejiju", "shangwuju", "chentang"]
        )
    }
    if len(users) < 4 or Project.objects.filter(name=DEMO_PROJECTS[0][0]).exists():
        return
    office = users["zhaoshangban"]
    template = demo_template()
    enterprises = list(Enterprise.objects.order_by("pk")[:4])
    projects = []
    for name, unit, e, amount, land, intensity, tax, output, jobs, tech, link in DEMO_PROJECTS:
        dept = departments[unit]
        actor = User.objects.filter(department=dept).first() or office
        projects.append(
            project_create(
                actor=actor,
                department=dept,
                stage=Stage.NEGOTIATING,
                data={
                    "name": name,
                    "enterprise": enterprises[e % len(enterprises)],
                    "estimated_investment": Decimal(amount) * 100_000_000,
                    "land_area": land,
                    "investment_intensity": intensity,
                    "tax_per_mu": tax,
                    "output_per_mu": output,
                    "expected_jobs": jobs,
                    "tech_content": tech,
                    "industry_linkage": link,
                },
            )
        )
    reviewers = [users["kejiju"], users["shangwuju"], users["chentang"]]
    manual = [c for c in template.criteria.all() if c.rule == EvaluationCriterion.Rule.MANUAL]
    marks = {"kejiju": [9, 8, 8, 7], "shangwuju": [8, 7, 9, 8], "chentang": [9, 9, 8, 7]}
    # The first project: scored by all three, decided 有条件准入.
    first = evaluation_create(
        actor=office, project=projects[0], template=template, reviewers=reviewers
    )
    for user in reviewers:
        evaluation_score_save(
            actor=user,
            evaluation=first,
            scores={c.pk: (m, "") for c, m in zip(manual, marks[user.username], strict=True)},
            opinion="产业方向符合，建议落实环评和能耗指标。",
            submit=True,
        )
    evaluation_decide(
        actor=office,
        evaluation=first,
        decision=Evaluation.Decision.CONDITIONAL,
        conditions="开工前取得环评批复；固定资产投资强度不低于每亩600万元。",
        reasons="综合得分较高，属新能源汽车产业链补链项目；能耗和环保须进一步落实。",
    )
    # The second: 商务局 has scored, 科技局 and 陈塘 have not.
    second = evaluation_create(
        actor=office, project=projects[1], template=template, reviewers=reviewers
    )
    evaluation_score_save(
        actor=users["shangwuju"],
        evaluation=second,
        scores={c.pk: (m, "") for c, m in zip(manual, marks["shangwuju"], strict=True)},
        opinion="",
        submit=True,
    )
    # Tailored terms: returned at the 137th meeting, approved at the 138th.
    today = timezone.localdate()
    approval = terms_start(actor=users["kejiju"], project=projects[0])
    core = "一、企业在河西区注册独立法人，协议投资额8亿元。\n二、区政府提供标准厂房5万平方米，前三年租金减半。\n三、企业承诺投产后第三年起年纳税不低于4000万元。"
    terms_document_save(actor=users["kejiju"], approval=approval, kind="core_terms", text=core)
    terms_submit(
        actor=users["kejiju"],
        approval=approval,
        action="submit_terms",
        expected_state=TermsState.DRAFTING_TERMS,
    )
    terms_document_save(
        actor=office,
        approval=approval,
        kind="agreement",
        text="新能源汽车电驱系统生产基地项目投资协议（草案）\n" + core,
    )
    terms_document_save(
        actor=office,
        approval=approval,
        kind="rules",
        text="实施细则：租金减免按年度经营数据核定，未达纳税承诺的按比例收回。",
    )
    terms_submit(
        actor=office,
        approval=approval,
        action="submit_to_meeting",
        expected_state=TermsState.DRAFTING_AGREEMENT,
    )
    meeting_record(
        actor=office,
        approval=approval,
        data={
            "held_on": today - dt.timedelta(days=30),
            "session": "137",
            "attendees": "区长、常务副区长、分管副区长，区商务局、区科技局、区财政局主要负责同志",
            "decision": MeetingRecord.Decision.RETURNED,
            "opinion": "租金减免期限过长，纳税承诺偏低，请责任单位与企业重新协商。",
            "minutes": "会议研究了新能源汽车电驱系统生产基地一企一策事项，原则同意引进，条款退回修改。",
        },
    )
    core2 = core.replace("前三年租金减半", "前两年租金减半").replace("4000万元", "5000万元")
    terms_document_save(
        actor=users["kejiju"],
        approval=approval,
        kind="core_terms",
        text=core2,
        note="按第137次常务会议意见修改",
    )
    terms_submit(
        actor=users["kejiju"],
        approval=approval,
        action="submit_terms",
        expected_state=TermsState.DRAFTING_TERMS,
    )
    terms_document_save(
        actor=office,
        approval=approval,
        kind="agreement",
        text="新能源汽车电驱系统生产基地项目投资协议（送审稿）\n" + core2,
    )
    terms_document_save(
        actor=office,
        approval=approval,
        kind="rules",
        text="实施细则：租金减免按年度经营数据核定，未达纳税承诺的按比例收回；减免期两年。",
    )
    terms_submit(
        actor=office,
        approval=approval,
        action="submit_to_meeting",
        expected_state=TermsState.DRAFTING_AGREEMENT,
    )
    meeting_record(
        actor=office,
        approval=approval,
        data={
            "held_on": today - dt.timedelta(days=10),
            "session": "第138次常务会议",
            "attendees": "区长、常务副区长、分管副区长，区商务局、区科技局、区财政局主要负责同志",
            "decision": MeetingRecord.Decision.APPROVED,
            "opinion": "",
            "minutes": "会议同意新能源汽车电驱系统生产基地一企一策方案，由区科技局会同区招商办抓好落实。",
        },
    )
    # The second project's terms wait for the next meeting.
    other = terms_start(actor=users["chentang"], project=projects[1])
    text = "一、企业在陈塘科技商务区设立算力运营主体。\n二、给予算力设备投资额5%的一次性补助，最高2000万元。"
    terms_document_save(actor=users["chentang"], approval=other, kind="core_terms", text=text)
    terms_submit(
        actor=users["chentang"],
        approval=other,
        action="submit_terms",
        expected_state=TermsState.DRAFTING_TERMS,
    )
    terms_document_save(
        actor=office,
        approval=other,
        kind="agreement",
        text="智能算力中心二期项目投资协议（草案）\n" + text,
    )
    terms_document_save(
        actor=office,
        approval=other,
        kind="rules",
        text="实施细则：补助在设备到位并经第三方审计后一次拨付。",
    )
    terms_submit(
        actor=office,
        approval=other,
        action="submit_to_meeting",
        expected_state=TermsState.DRAFTING_AGREEMENT,
    )
    # The demo's history is old news: its messages start read, so a demo user's inbox
    # shows only what happens after the district is loaded.
    from zhaoshang.notifications.models import Notification

    Notification.objects.filter(kind__in=DEMO_NOTICE_KINDS, read_at__isnull=True).update(
        read_at=timezone.now()
    )


DEMO_NOTICE_KINDS = [
    "evaluation_review",
    "evaluation_decide",
    "evaluation_decided",
    "tailored_terms",
]
