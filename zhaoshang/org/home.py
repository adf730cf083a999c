"""The home page: cards, each shown only to users who may see what it counts.

A later module adds its card with one ``@card(...)`` function here or in its own app's
``home.py`` imported below."""

from django.db.models import Count, Q
from django.utils import timezone

from zhaoshang.org import roles

CARDS = []


def card(*perms, order=100):
    def register(fn):
        CARDS.append((order, perms, fn))
        CARDS.sort(key=lambda c: c[0])
        return fn

    return register


def cards_for(user):
    out = []
    for _, perms, fn in CARDS:
        if user.has_perms(perms):
            result = fn(user)
            if result:
                out.append(result)
    return out


@card(order=1)
def my_unit(user):
    from .models import User

    unit = user.department
    colleagues = User.objects.filter(department=unit, is_active=True).count()
    roles = "、".join(g.role.name for g in user.grants.select_related("role")) or "尚未授权"
    return {
        "title": "我的单位",
        "lines": [
            ("单位", unit.name),
            ("单位类型", unit.get_kind_display()),
            ("上级单位", unit.parent.name if unit.parent_id else "—"),
            ("本单位在岗人员", f"{colleagues} 人"),
            ("我的角色", roles),
        ],
    }


@card(roles.VIEW_DEPARTMENT, order=10)
def units_by_kind(user):
    from .models import Department

    rows = (
        Department.objects.for_user(user)
        .filter(is_active=True)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    labels = dict(Department.Kind.choices)
    lines = [(labels[r["kind"]], f"{r['n']} 个") for r in rows]
    if not lines:
        return None
    return {"title": "可见单位", "lines": lines, "link": ("org:department_list", "查看单位")}


@card(roles.MANAGE_USER, order=20)
def accounts(user):
    from .models import User

    stats = User.objects.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        pending=Count("pk", filter=Q(is_active=True, must_change_password=True)),
    )
    return {
        "title": "账号概况",
        "lines": [
            ("账号总数", stats["total"]),
            ("启用", stats["active"]),
            ("停用", stats["total"] - stats["active"]),
            ("待修改初始/过期密码", stats["pending"]),
        ],
        "link": ("org:user_list", "管理用户"),
    }


@card(roles.UNLOCK_USER, order=30)
def security(user):
    from axes.models import AccessAttempt

    from . import policy

    current = policy.current()
    locked = AccessAttempt.objects.filter(
        failures_since_start__gte=current["lockout_failures"]
    ).count()
    return {
        "title": "安全状况",
        "lines": [
            ("当前锁定的账号/地址", locked),
            ("密码有效期", f"{current['password_max_age_days']} 天"),
            (
                "登录失败锁定",
                f"连续 {current['lockout_failures']} 次，锁定 {current['lockout_minutes']} 分钟",
            ),
            ("无操作自动退出", f"{current['idle_minutes']} 分钟"),
        ],
        "link": ("org:locked_list", "锁定账号"),
    }


@card(roles.VIEW_AUDIT_LOG, order=40)
def audit_today(user):
    from zhaoshang.audit.models import AuditEvent

    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = AuditEvent.objects.filter(at__gte=start)
    stats = today.aggregate(
        total=Count("pk"),
        failures=Count("pk", filter=Q(action=AuditEvent.Action.LOGIN_FAILED)),
        lockouts=Count("pk", filter=Q(action=AuditEvent.Action.LOCKOUT)),
        changes=Count("pk", filter=Q(action__in=["create", "update", "delete"])),
    )
    return {
        "title": "今日审计",
        "lines": [
            ("审计记录", stats["total"]),
            ("登录失败", stats["failures"]),
            ("账号锁定", stats["lockouts"]),
            ("业务数据变更", stats["changes"]),
        ],
        "link": ("audit:event_list", "查阅审计日志"),
    }
