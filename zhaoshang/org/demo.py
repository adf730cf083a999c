"""The demo district, named after the seed texts (Tianjin Hexi District): its units, one
user per role, and (from the reference app) key industries, zones and carriers."""

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Department, Role, User
from .services import department_create, grant_role, user_create

DEMO_PASSWORD = "Zs@2026demo"

K = Department.Kind
# (name, short name, kind, parent name)
UNITS = [
    ("河西区人民政府", "区政府", K.OTHER, None),
    ("区招商引资工作领导小组", "领导小组", K.LEADERSHIP, "河西区人民政府"),
    ("区商务局", "商务局", K.DEPARTMENT, "河西区人民政府"),
    ("区招商办", "招商办", K.OFFICE, "区商务局"),
    ("区科技局", "科技局", K.DEPARTMENT, "河西区人民政府"),
    ("区金融局", "金融局", K.DEPARTMENT, "河西区人民政府"),
    ("区发展改革委", "发改委", K.DEPARTMENT, "河西区人民政府"),
    ("区卫生健康委", "卫健委", K.DEPARTMENT, "河西区人民政府"),
    ("区工业和信息化局", "工信局", K.DEPARTMENT, "河西区人民政府"),
    ("区文化和旅游局", "文旅局", K.DEPARTMENT, "河西区人民政府"),
    ("区交通运输局", "交通局", K.DEPARTMENT, "河西区人民政府"),
    ("区财政局", "财政局", K.FINANCE, "河西区人民政府"),
    ("区税务局", "税务局", K.TAX, "河西区人民政府"),
    ("区纪委监委", "纪委监委", K.DISCIPLINE, "河西区人民政府"),
    ("区委督查室", "督查室", K.SUPERVISION, "河西区人民政府"),
    ("泛友谊路小白楼金融圈", "小白楼金融圈", K.ZONE, "河西区人民政府"),
    ("新八大里数字经济聚集区", "新八大里", K.ZONE, "河西区人民政府"),
    ("陈塘科技商务区", "陈塘科技商务区", K.ZONE, "河西区人民政府"),
    ("友谊路街道", "友谊路街", K.STREET, "河西区人民政府"),
    ("越秀路街道", "越秀路街", K.STREET, "河西区人民政府"),
    ("下瓦房街道", "下瓦房街", K.STREET, "河西区人民政府"),
    ("挂甲寺街道", "挂甲寺街", K.STREET, "河西区人民政府"),
    ("陈塘庄街道", "陈塘庄街", K.STREET, "河西区人民政府"),
]

# (username, full name, unit, title, role code)
USERS = [
    ("zhaoshangban", "王晓明", "区招商办", "科员", "office_staff"),
    ("kejiju", "李静", "区科技局", "科员", "department_staff"),
    ("shangwuju", "赵国强", "区商务局", "副局长", "department_head"),
    ("lingdao", "陈建华", "区招商引资工作领导小组", "副区长", "leader"),
    ("ducha", "孙丽", "区委督查室", "科长", "supervision"),
    ("caizheng", "周伟", "区财政局", "科员", "finance"),
    ("shuiwu", "吴敏", "区税务局", "科员", "tax"),
    ("jiwei", "郑华", "区纪委监委", "科员", "discipline"),
    ("youyilu", "刘洋", "友谊路街道", "科员", "department_staff"),
    ("chentang", "杨帆", "陈塘科技商务区", "招商部部长", "department_head"),
    ("sysadmin", "马超", "区招商办", "系统管理员", "system_admin"),
    ("secadmin", "林涛", "区招商办", "安全管理员", "security_admin"),
    ("auditadmin", "何琳", "区纪委监委", "审计管理员", "audit_admin"),
]


# Each module adds its demo data with one line here, in dependency order; every step is
# idempotent and receives the demo units by name.
DEMO_STEPS = [
    "zhaoshang.reference.services.load_demo_reference",
    "zhaoshang.enterprises.demo.load_demo_enterprises",
    "zhaoshang.pipeline.projects.demo.load_demo_projects",
    # The partner registry and reward rules (issue 16): before the leads that name them.
    "zhaoshang.partners.demo.load_demo_partners",
    "zhaoshang.pipeline.leads.demo.load_demo_leads",
    "zhaoshang.pipeline.approvals.demo.load_demo_approvals",
    # Agreements, incentives and disbursement (issue 12): on the signed demo projects.
    "zhaoshang.agreements.demo.load_demo_agreements",
    # Targets, the monthly report and dashboards (issue 5): demo projects, funds, targets.
    "zhaoshang.reports.demo.load_demo_reports",
    # Last: the loaders above write funds and owner rows directly, with past dates.
    "zhaoshang.reports.demo.recount_demo_funds",
    # Finder rewards on landed projects with funds in place (issue 16).
    "zhaoshang.partners.demo.load_demo_rewards",
    # Aftercare (issue 13): ticket types, key enterprises, visits, tickets (an expansion
    # adds one negotiating project, with no funds); complaints and a typical case.
    "zhaoshang.aftercare.demo.load_demo_aftercare",
    "zhaoshang.complaints.demo.load_demo_complaints",
    # Supervision items (issue 16): on a project, a ticket and units' work.
    "zhaoshang.supervision.demo.load_demo_supervision",
    # The opportunity and policy libraries and the portal (issue 14): after the reports,
    # since its bulletin is generated from their funds sums.
    "zhaoshang.portal.demo.load_demo_portal",
    # Industry chains (issue 15): six chains, their links, placements and one chain lead.
    "zhaoshang.chains.demo.load_demo_chains",
    # The promotion budget (issue 16): this year's lines and some spending.
    "zhaoshang.budget.demo.load_demo_budget",
    # Promotion events and quotas (issue 16): after the budget, which an event's cost uses.
    "zhaoshang.events.demo.load_demo_events",
    # The assessment (issue 17): a scheme, a provisional result, an issued quarterly
    # bulletin; after every module whose figures it scores.
    "zhaoshang.assessment.demo.load_demo_assessment",
]


@transaction.atomic
def load_demo():
    units = {}
    for name, short, kind, parent in UNITS:
        unit = Department.objects.filter(name=name).first()
        if unit is None:
            unit = department_create(
                actor=None,
                data={"name": name, "short_name": short, "kind": kind, "parent": units.get(parent)},
            )
        units[name] = unit
    users = []
    for username, full_name, unit, title, role in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                data={
                    "username": username,
                    "full_name": full_name,
                    "department": units[unit],
                    "title": title,
                },
                password=DEMO_PASSWORD,
            )
            # Demo accounts start ready to use; real accounts must change their first password.
            User.objects.filter(pk=user.pk).update(
                must_change_password=False, password_changed_at=timezone.now()
            )
            grant_role(actor=None, user=user, role=Role.objects.get(code=role))
        users.append((username, full_name, unit, Role.objects.get(code=role).name))
    for step in DEMO_STEPS:
        import_string(step)(departments=units)
    return users
