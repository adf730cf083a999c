"""The people tests act as, in one place: a small district (the unit tree of a real
district government, so pages and messages read as they do in use) and one account per
persona, built by factories through the org services.

``build()`` returns the users by persona key. The keys of the roles are the role codes
(``demo["office_staff"]`` …) so a test names the role it means; two more personas stand
for "someone else": ``street_staff`` (a clerk of 友谊路街道, another unit than
``department_staff``'s 区科技局) and ``zone_head`` (the head of a functional zone)."""

from zhaoshang.org.models import Department
from zhaoshang.org.tests.factories import PASSWORD, DepartmentFactory, UserFactory

__all__ = ["PASSWORD", "PERSONAS", "UNITS", "build", "units"]

K = Department.Kind
# (name, short name, kind, parent name): parents before children.
UNITS = [
    ("河西区人民政府", "区政府", K.OTHER, None),
    ("区招商引资工作领导小组", "领导小组", K.LEADERSHIP, "河西区人民政府"),
    ("区商务局", "商务局", K.DEPARTMENT, "河西区人民政府"),
    # Under 区商务局, so its head's "own unit and below" scope reaches the office.
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
]

# key: (username, full name, unit, title, role code)
PERSONAS = {
    "office_staff": ("office_clerk", "招商办科员", "区招商办", "科员", "office_staff"),
    "department_staff": ("dept_clerk", "科技局科员", "区科技局", "科员", "department_staff"),
    "department_head": ("dept_head", "商务局副局长", "区商务局", "副局长", "department_head"),
    "leader": ("leader", "分管副区长", "区招商引资工作领导小组", "副区长", "leader"),
    "supervision": ("supervisor", "督查室科长", "区委督查室", "科长", "supervision"),
    "finance": ("finance_clerk", "财政局科员", "区财政局", "科员", "finance"),
    "tax": ("tax_clerk", "税务局科员", "区税务局", "科员", "tax"),
    "discipline": ("discipline_clerk", "纪委科员", "区纪委监委", "科员", "discipline"),
    "street_staff": ("street_clerk", "街道科员", "友谊路街道", "科员", "department_staff"),
    "zone_head": ("zone_head", "商务区部长", "陈塘科技商务区", "招商部部长", "department_head"),
    "system_admin": ("system_admin", "系统管理员甲", "区招商办", "系统管理员", "system_admin"),
    "security_admin": (
        "security_admin",
        "安全管理员乙",
        "区招商办",
        "安全管理员",
        "security_admin",
    ),
    "audit_admin": ("audit_admin", "审计管理员丙", "区纪委监委", "审计管理员", "audit_admin"),
}


def units():
    """The district's units by name, created the first time (idempotent)."""
    made = {}
    for name, short, kind, parent in UNITS:
        made[name] = Department.objects.filter(name=name).first() or DepartmentFactory(
            name=name, short_name=short, kind=kind, parent=made.get(parent)
        )
    return made


def build():
    """Every persona by key (idempotent: an existing account is reused)."""
    from zhaoshang.org.models import User

    tree = units()
    people = {}
    for key, (username, full_name, unit, title, role) in PERSONAS.items():
        people[key] = User.objects.filter(username=username).first() or UserFactory(
            username=username, full_name=full_name, department=tree[unit], title=title, role=role
        )
    return people
