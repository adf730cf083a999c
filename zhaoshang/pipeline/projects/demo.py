"""Demo projects: about thirty across the units and every stage, with ledgers, funds,
problems, a major and a very-major project with its command team (指挥部).

Each project is registered as a lead and moved through the real workflow with dates in
the past, so the stage history, the funnel and the overdue list are what the system
itself would have recorded. Idempotent: a project whose name exists is left alone."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import uscc

from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.services import enterprise_create
from zhaoshang.org.models import User
from zhaoshang.org.roles import MANAGE_PIPELINE
from zhaoshang.reference.models import KeyIndustry, Region, Zone

from ..models import FundsEntry, OwnerChange, ProblemCategory, Project, ProjectMember, Stage
from . import services, workflow

W = 10_000  # amounts below are in 万元

# What other parts do before a demo project signs, so the signing guards they registered
# let it through as they would in real work (approvals: the admission a project above the
# evaluation size needs). Registered in ``PipelineConfig.ready``; projects import neither.
BEFORE_SIGNING = []


def register_before_signing(fn):
    """``fn(*, project, data, decided_on)`` runs before a demo project moves to signed."""
    if fn not in BEFORE_SIGNING:
        BEFORE_SIGNING.append(fn)
    return fn


# The projects' own investors. The library's demo enterprises stay free for the demo
# leads (leads/demo.py), which register only for enterprises nobody pursues yet; leads
# themselves are that module's demo, so every project here is past the lead stage.
# name, code body (17 chars), ownership, region, key industry
ENTERPRISES = [
    ("天津河西城市智算科技有限公司", "91120103MA07P0011", "private", "120000", "数字经济"),
    ("华为云计算技术有限公司", "91520900MA6J6CBN2", "private", "520000", "数字经济"),
    ("平安科技（深圳）有限公司", "91440300788324617", "private", "440000", "科技金融"),
    ("中远海运物流供应链有限公司", "91310115MA1K4N7Q8", "central_soe", "310000", "航运物流"),
    ("中科智算（天津）科技有限公司", "91120103MA07P0022", "research", "120000", "数字经济"),
    ("天津天大城市设计有限公司", "91120103MA07P0033", "university", "120000", "设计"),
    ("康希诺（天津）生物制品有限公司", "91120116MA07P0044", "private", "120000", "生物医药"),
    ("西门子数字化工业（天津）有限公司", "91120116MA07P0055", "foreign", "120000", "总部经济"),
]

# name, enterprise, unit, stage, estimated 万元, agreed 万元, key industry, zone, method,
# days since registration
PROJECTS = [
    (
        "河西数智城市大脑研发中心",
        "天津河西城市智算科技有限公司",
        "区科技局",
        "construction",
        18000,
        20000,
        "数字经济",
        "新八大里数字经济聚集区",
        "business",
        420,
    ),
    (
        "华为天津鲲鹏生态创新中心",
        "华为云计算技术有限公司",
        "区工业和信息化局",
        "operating",
        80000,
        120000,
        "数字经济",
        "新八大里数字经济聚集区",
        "head_enterprise",
        720,
    ),
    (
        "华为云河西数据中心二期",
        "华为云计算技术有限公司",
        "区工业和信息化局",
        "signed",
        150000,
        180000,
        "数字经济",
        "新八大里数字经济聚集区",
        "head_enterprise",
        260,
    ),
    (
        "华为智能网联汽车解决方案华北基地",
        "华为云计算技术有限公司",
        "区工业和信息化局",
        "negotiating",
        60000,
        None,
        "数字经济",
        "",
        "head_enterprise",
        90,
    ),
    (
        "平安科技金融华北总部",
        "平安科技（深圳）有限公司",
        "区金融局",
        "landed",
        50000,
        60000,
        "科技金融",
        "泛友谊路小白楼金融圈",
        "head_enterprise",
        380,
    ),
    (
        "平安普惠区域运营中心",
        "平安科技（深圳）有限公司",
        "区金融局",
        "negotiating",
        8000,
        None,
        "科技金融",
        "泛友谊路小白楼金融圈",
        "business",
        70,
    ),
    (
        "平安养老险天津分公司迁址",
        "平安科技（深圳）有限公司",
        "泛友谊路小白楼金融圈",
        "negotiating",
        3000,
        None,
        "科技金融",
        "泛友谊路小白楼金融圈",
        "intermediary",
        25,
    ),
    (
        "中远海运北方航运服务总部",
        "中远海运物流供应链有限公司",
        "区交通运输局",
        "construction",
        90000,
        110000,
        "航运物流",
        "",
        "head_enterprise",
        500,
    ),
    (
        "中远海运供应链数字平台",
        "中远海运物流供应链有限公司",
        "区交通运输局",
        "on_hold",
        12000,
        None,
        "航运物流",
        "",
        "chain",
        300,
    ),
    (
        "中远海运船舶融资租赁公司",
        "中远海运物流供应链有限公司",
        "区金融局",
        "negotiating",
        20000,
        None,
        "科技金融",
        "泛友谊路小白楼金融圈",
        "capital",
        15,
    ),
    (
        "计算所智能计算创新平台",
        "中科智算（天津）科技有限公司",
        "区科技局",
        "signed",
        9000,
        12000,
        "数字经济",
        "陈塘科技商务区",
        "commissioned",
        200,
    ),
    (
        "计算所量子计算联合实验室",
        "中科智算（天津）科技有限公司",
        "区科技局",
        "negotiating",
        5000,
        None,
        "数字经济",
        "陈塘科技商务区",
        "incubation",
        120,
    ),
    (
        "计算所科技成果转化基金",
        "中科智算（天津）科技有限公司",
        "区科技局",
        "dropped",
        30000,
        None,
        "科技金融",
        "",
        "fund",
        330,
    ),
    (
        "天大设计院城市更新设计中心",
        "天津天大城市设计有限公司",
        "区科技局",
        "operating",
        6000,
        6500,
        "设计",
        "陈塘科技商务区",
        "task_force",
        650,
    ),
    (
        "天大设计院工业设计孵化器",
        "天津天大城市设计有限公司",
        "陈塘科技商务区",
        "landed",
        4000,
        4500,
        "设计",
        "陈塘科技商务区",
        "incubation",
        280,
    ),
    (
        "天大建筑数字孪生实验室",
        "天津天大城市设计有限公司",
        "陈塘科技商务区",
        "negotiating",
        2500,
        None,
        "设计",
        "陈塘科技商务区",
        "event",
        40,
    ),
    (
        "康希诺新型疫苗研发中心",
        "康希诺（天津）生物制品有限公司",
        "区卫生健康委",
        "signed",
        45000,
        52000,
        "生物医药",
        "陈塘科技商务区",
        "chain",
        240,
    ),
    (
        "康希诺mRNA中试基地",
        "康希诺（天津）生物制品有限公司",
        "区卫生健康委",
        "negotiating",
        120000,
        None,
        "生物医药",
        "陈塘科技商务区",
        "chain",
        150,
    ),
    (
        "康希诺国际临床服务平台",
        "康希诺（天津）生物制品有限公司",
        "区卫生健康委",
        "negotiating",
        6000,
        None,
        "生物医药",
        "",
        "online",
        20,
    ),
    (
        "西门子中国北方区域总部",
        "西门子数字化工业（天津）有限公司",
        "区发展改革委",
        "landed",
        70000,
        80000,
        "总部经济",
        "泛友谊路小白楼金融圈",
        "head_enterprise",
        400,
    ),
    (
        "西门子数字化工业赋能中心",
        "西门子数字化工业（天津）有限公司",
        "区发展改革委",
        "negotiating",
        15000,
        None,
        "数字经济",
        "新八大里数字经济聚集区",
        "gov_enterprise",
        100,
    ),
    (
        "西门子医疗影像创新中心",
        "西门子数字化工业（天津）有限公司",
        "区卫生健康委",
        "dropped",
        25000,
        None,
        "生物医药",
        "",
        "business",
        310,
    ),
    (
        "友谊路楼宇经济数字服务站",
        "天津河西城市智算科技有限公司",
        "友谊路街道",
        "signed",
        1500,
        1800,
        "数字经济",
        "泛友谊路小白楼金融圈",
        "business",
        160,
    ),
    (
        "友谊路跨境结算服务中心",
        "平安科技（深圳）有限公司",
        "友谊路街道",
        "negotiating",
        5000,
        None,
        "科技金融",
        "泛友谊路小白楼金融圈",
        "cluster",
        35,
    ),
    (
        "越秀路人工智能应用展示中心",
        "天津河西城市智算科技有限公司",
        "越秀路街道",
        "negotiating",
        3000,
        None,
        "数字经济",
        "",
        "event",
        80,
    ),
    (
        "新八大里算力调度中心",
        "华为云计算技术有限公司",
        "新八大里数字经济聚集区",
        "construction",
        40000,
        45000,
        "数字经济",
        "新八大里数字经济聚集区",
        "chain",
        460,
    ),
    (
        "新八大里数据要素交易服务平台",
        "中科智算（天津）科技有限公司",
        "新八大里数字经济聚集区",
        "negotiating",
        8000,
        None,
        "数字经济",
        "新八大里数字经济聚集区",
        "online",
        10,
    ),
    (
        "陈塘生物医药CRO服务基地",
        "康希诺（天津）生物制品有限公司",
        "陈塘科技商务区",
        "construction",
        30000,
        36000,
        "生物医药",
        "陈塘科技商务区",
        "cluster",
        430,
    ),
    (
        "招商办统筹华北航运结算中心",
        "中远海运物流供应链有限公司",
        "区招商办",
        "signed",
        100000,
        130000,
        "航运物流",
        "泛友谊路小白楼金融圈",
        "commissioned",
        220,
    ),
    (
        "西门子能源服务华北中心",
        "西门子数字化工业（天津）有限公司",
        "区商务局",
        "negotiating",
        10000,
        None,
        "总部经济",
        "泛友谊路小白楼金融圈",
        "business",
        60,
    ),
]

LEDGER_LINES = [
    ("与企业投资发展部视频会商，介绍河西区产业政策和载体资源", "整理企业关切清单，协调载体方案"),
    ("陪同企业实地考察意向载体，企业对区位和配套表示认可", "出具载体比选方案，报送企业"),
    ("企业高管来津洽谈，就投资规模、落地时间表交换意见", "起草合作框架协议"),
    ("召开项目推进专题会，明确各单位分工", "跟踪注册、规划手续办理进度"),
]


def _code(seed):
    body = f"91120103MA{seed:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def _enterprises(departments):
    keys = {k.name: k for k in KeyIndustry.objects.all()}
    for name, body, ownership, region, key in ENTERPRISES:
        code = body + uscc.calc_check_digit(body)
        if Enterprise.objects.filter(credit_code=code).exists():
            continue
        enterprise_create(
            actor=None,
            data={
                "name": name,
                "credit_code": code,
                "ownership": ownership,
                "hq_region": Region.objects.filter(code=region).first(),
                "status": "target",
                "key_industries": [keys[key]] if key in keys else [],
            },
            confirm_duplicates=True,
        )


def load_demo_projects(*, departments):
    _enterprises(departments)
    today = timezone.localdate()
    office_user = User.objects.filter(username="zhaoshangban").first()
    keys = {k.name: k for k in KeyIndustry.objects.all()}
    zones = {z.name: z for z in Zone.objects.all()}
    for i, row in enumerate(PROJECTS):
        name, ent, unit, stage, estimated, agreed, key, zone, method, age = row
        if Project.objects.filter(name=name).exists():
            continue
        enterprise = Enterprise.objects.filter(name=ent).first()
        department = departments.get(unit)
        if enterprise is None or department is None:
            continue
        # A clerk of the unit who does project work (not, say, the office's security
        # administrator): stage moves need MANAGE_PIPELINE, as they do for everyone.
        actor = next(
            (
                u
                for u in User.objects.filter(department=department, is_active=True)
                if u.has_perm(MANAGE_PIPELINE)
            ),
            office_user,
        )
        start = today - dt.timedelta(days=age)
        project = services.project_create(
            actor=actor,
            department=department,
            occurred_on=start,
            data={
                "name": name,
                "enterprise": enterprise,
                "estimated_investment": Decimal(estimated) * W,
                "key_industry": keys.get(key),
                "zone": zones.get(zone),
                "method": method,
                "strategic_emerging": bool(keys.get(key) and keys[key].strategic_emerging),
                "description": f"{enterprise.name}拟在河西区投资建设{name}。",
                "expected_jobs": max(20, estimated // 100),
            },
        )
        # Registered ``age`` days ago: the creation time is set back so the overdue list
        # treats it as an old project.
        registered_at = timezone.now() - dt.timedelta(days=age)
        Project.objects.filter(pk=project.pk).update(created_at=registered_at)
        OwnerChange.objects.filter(project=project).update(at=registered_at)
        _walk(project, actor, stage, start, agreed, i, today)
        _ledger(project, actor, start, today, i)
        if Stage(stage) in (Stage.LANDED, Stage.CONSTRUCTION, Stage.OPERATING):
            _funds(project, actor, agreed, today, i)
        if i % 4 == 1 and stage not in ("dropped", "lead"):
            _problem(project, actor, departments, today, i)
    _teams(departments)


def _walk(project, actor, target, start, agreed, i, today):
    """The moves a project would have gone through to reach ``target``."""
    path = {
        "lead": [],
        "negotiating": ["negotiating"],
        "signed": ["negotiating", "signed"],
        "landed": ["negotiating", "signed", "landed"],
        "construction": ["negotiating", "signed", "landed", "construction"],
        "operating": ["negotiating", "signed", "landed", "construction", "operating"],
        "on_hold": ["negotiating", "on_hold"],
        "dropped": ["negotiating", "dropped"],
    }[target]
    span = max((today - start).days - 5, len(path))
    for n, stage in enumerate(path, start=1):
        on = start + dt.timedelta(days=span * n // (len(path) + 1))
        data = {"occurred_on": on}
        reason = ""
        if stage == "signed":
            data |= {
                "signed_on": on,
                "agreed_investment": Decimal(agreed) * W,
                "agreement_no": f"HXZS-{on.year}-{i + 1:03d}",
            }
            # Above the evaluation size a project signs only after its admission.
            for prepare in BEFORE_SIGNING:
                prepare(project=project, data=data, decided_on=on - dt.timedelta(days=3))
        elif stage == "landed":
            data |= {"registered_credit_code": _code(1000 + i), "registered_on": on}
        elif stage == "construction":
            data |= {"construction_on": on}
        elif stage == "operating":
            data |= {"operating_on": on}
        elif stage == "on_hold":
            reason = "投资方总部战略调整，项目暂缓"
        elif stage == "dropped":
            reason = "企业最终选择在外省落地"
        project.refresh_from_db()
        workflow.project_move(
            actor=actor, project=project, to_stage=stage, data=data, reason=reason, today=today
        )


def _ledger(project, actor, start, today, i):
    # Every fifth project has fallen silent: its latest entry is older than the cycle.
    last = today - dt.timedelta(days=45 if i % 5 == 3 else 3 + i % 20)
    if last <= start:
        return
    for n, (content, step) in enumerate(LEDGER_LINES[: 2 + i % 3]):
        on = start + (last - start) * (n + 1) / (2 + i % 3)
        services.ledger_entry_add(
            actor=actor, project=project, occurred_on=on, content=content, next_step=step
        )


def _funds(project, actor, agreed, today, i):
    total = Decimal(agreed) * W
    for n, share in enumerate(("0.2", "0.15")):
        services.funds_entry_add(
            actor=actor,
            project=project,
            received_on=today - dt.timedelta(days=120 - 60 * n),
            amount=total * Decimal(share),
            source=FundsEntry.Source.DOMESTIC,
            note="企业注资到位" if n == 0 else "项目贷款到位",
        )
    if project.enterprise.ownership == "foreign":
        services.funds_entry_add(
            actor=actor,
            project=project,
            received_on=today - dt.timedelta(days=30),
            amount=Decimal("5000000"),
            currency="USD",
            note="外方股东增资",
        )


def _problem(project, actor, departments, today, i):
    category, title, owner = [
        (ProblemCategory.PLANNING, "项目用地规划条件尚未明确", "区发展改革委"),
        (ProblemCategory.REGISTRATION, "外资企业注册材料需公证认证", "区商务局"),
        (ProblemCategory.TALENT, "企业高管子女入学需协调", "区科技局"),
        (ProblemCategory.APPROVAL, "施工许可审批进度滞后", "区工业和信息化局"),
    ][i % 4]
    problem = services.problem_raise(
        actor=actor,
        project=project,
        category=category,
        title=title,
        owner_department=departments.get(owner, project.department),
        deadline_days=10,
        description="企业反映该事项影响项目推进进度。",
        today=today - dt.timedelta(days=25),
    )
    if i % 8 == 1:
        services.problem_escalate(
            actor=actor, problem=problem, note="责任单位协调未果，提请招商办协调", today=today
        )


def _teams(departments):
    """The very-major projects get a command team, major ones a lead official."""
    for project in Project.objects.exclude(major_level="").filter(members__isnull=True):
        actor = User.objects.filter(username="zhaoshangban").first()
        very = project.major_level == "very_major"
        people = [
            (ProjectMember.Role.LEAD_OFFICIAL, "陈建华", "副区长"),
            (ProjectMember.Role.DEDICATED, "王晓明", "区招商办科员"),
            (ProjectMember.Role.MEMBER, "赵国强", "区商务局副局长"),
        ]
        if very:
            people.insert(1, (ProjectMember.Role.COMMANDER, "张立新", "区委常委、常务副区长"))
        for role, name, title in people:
            services.member_add(actor=actor, project=project, role=role, name=name, title=title)
