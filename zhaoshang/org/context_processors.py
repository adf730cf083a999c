"""The navigation: each entry names the permission it needs, so a menu never offers a
page that would answer 403. A later module adds its entries with one line each."""

from django.urls import get_script_prefix, reverse

NAV = [
    # (section, label, url name, permissions, icon)
    ("工作台", "首页", "org:home", (), "house"),
    (
        "招商工作",
        "企业库",
        "enterprises:enterprise_list",
        ("enterprises.view_enterprise_library",),
        "building-check",
    ),
    (
        "招商工作",
        "企业导入",
        "enterprises:import_list",
        ("enterprises.import_enterprise",),
        "upload",
    ),
    # Projects (pipeline/views.py)
    ("项目推进", "项目看板", "pipeline:kanban", ("pipeline.view_pipeline",), "kanban"),
    ("项目推进", "项目清单", "pipeline:project_list", ("pipeline.view_pipeline",), "list-task"),
    (
        "项目推进",
        "台账逾期",
        "pipeline:overdue_ledgers",
        ("pipeline.view_pipeline",),
        "alarm",
    ),
    (
        "项目推进",
        "问题清单",
        "pipeline:problem_list",
        ("pipeline.view_pipeline",),
        "exclamation-triangle",
    ),
    ("项目推进", "推进漏斗", "pipeline:funnel", ("pipeline.view_pipeline",), "funnel"),
    ("项目推进", "台账导入", "pipeline:import_list", ("pipeline.manage_pipeline",), "upload"),
    ("项目推进", "项目设置", "pipeline:config", ("pipeline.coordinate_pipeline",), "sliders"),
    # --- Admission evaluation and tailored terms ---
    (
        "项目推进",
        "准入评估",
        "pipeline:evaluation_list",
        ("pipeline.view_pipeline",),
        "clipboard-check",
    ),
    ("项目推进", "待我评审", "pipeline:review_list", ("pipeline.view_pipeline",), "pencil-square"),
    (
        "项目推进",
        "一企一策",
        "pipeline:terms_list",
        ("pipeline.view_pipeline",),
        "file-earmark-text",
    ),
    (
        "项目推进",
        "评估模板",
        "pipeline:evaluation_template_list",
        ("pipeline.coordinate_pipeline",),
        "sliders",
    ),
    ("基础数据", "产业目录", "reference:industry_list", ("reference.view_reference",), "diagram-3"),
    ("基础数据", "重点产业", "reference:key_industry_list", ("reference.view_reference",), "stars"),
    ("基础数据", "功能区", "reference:zone_list", ("reference.view_reference",), "map"),
    ("基础数据", "载体", "reference:carrier_list", ("reference.view_reference",), "building"),
    (
        "基础数据",
        "地区",
        "reference:region_list",
        ("reference.view_reference",),
        "globe-asia-australia",
    ),
    ("基础数据", "工作日历", "reference:calendar", ("reference.manage_calendar",), "calendar3"),
    # Targets, the monthly report and dashboards (issue 5).
    ("统计考核", "全区驾驶舱", "reports:dashboard", ("reports.view_report",), "speedometer2"),
    (
        "统计考核",
        "招商办工作台",
        "reports:office_dashboard",
        ("reports.view_report", "pipeline.coordinate_pipeline"),
        "clipboard-data",
    ),
    (
        "统计考核",
        "本单位完成情况",
        "reports:unit_dashboard",
        ("reports.view_unit_dashboard",),
        "graph-up-arrow",
    ),
    ("统计考核", "统计月报", "reports:monthly", ("reports.view_report",), "file-earmark-bar-graph"),
    ("统计考核", "已发布月报", "reports:issued_list", ("reports.view_issued_report",), "archive"),
    ("统计考核", "目标任务", "assessment:target_list", ("assessment.view_target",), "bullseye"),
    ("统计考核", "月度汇率", "reports:rate_list", ("reports.view_report",), "currency-exchange"),
    ("组织与权限", "单位", "org:department_list", ("org.view_department",), "diagram-2"),
    ("组织与权限", "用户", "org:user_list", ("org.view_user",), "people"),
    ("组织与权限", "角色", "org:role_list", ("org.view_user",), "person-badge"),
    ("组织与权限", "授权清单", "org:grant_list", ("org.view_user",), "card-checklist"),
    ("组织与权限", "接口密钥", "apikeys:key_list", ("api.manage_apikey",), "key"),
    ("安全管理", "锁定账号", "org:locked_list", ("org.unlock_user",), "lock"),
    ("安全管理", "安全策略", "org:policy", ("org.manage_policy",), "shield-check"),
    ("安全审计", "审计日志", "audit:event_list", ("audit.view_audit_log",), "journal-text"),
    ("安全审计", "登录日志", "audit:login_list", ("audit.view_audit_log",), "box-arrow-in-right"),
    # Leads
    ("招商工作", "线索", "pipeline:lead_list", ("pipeline.view_pipeline",), "lightbulb"),
    (
        "招商工作",
        "登记线索",
        "pipeline:lead_register",
        ("pipeline.manage_pipeline",),
        "plus-circle",
    ),
    ("招商工作", "线索推送", "pipeline:lead_push_list", ("pipeline.view_pipeline",), "send"),
    ("招商工作", "公海", "pipeline:lead_pool", ("pipeline.view_pipeline",), "inboxes"),
    # Agreements, incentives, disbursement and clawback (issue 12).
    (
        "协议兑现",
        "协议",
        "agreements:agreement_list",
        ("agreements.view_agreement",),
        "file-earmark-text",
    ),
    (
        "协议兑现",
        "奖励兑现",
        "agreements:disbursement_list",
        ("agreements.view_disbursement",),
        "cash-coin",
    ),
    (
        "协议兑现",
        "待确认数据",
        "agreements:data_queue",
        ("agreements.confirm_operating_data",),
        "check2-square",
    ),
    (
        "协议兑现",
        "履约台账",
        "agreements:fulfilment",
        ("agreements.view_agreement",),
        "clipboard-data",
    ),
    (
        "协议兑现",
        "经营数据",
        "agreements:data_list",
        ("agreements.supply_operating_data",),
        "table",
    ),
    (
        "协议兑现",
        "经营数据导入",
        "agreements:import_list",
        ("agreements.supply_operating_data",),
        "upload",
    ),
    ("协议兑现", "兑现统计", "agreements:report", ("agreements.view_disbursement",), "bar-chart"),
    # Notifications
    ("工作台", "我的消息", "notifications:inbox", (), "bell"),
    (
        "组织与权限",
        "群机器人",
        "notifications:webhook_list",
        ("notifications.manage_webhook",),
        "robot",
    ),
]


_URLS = {}


def _url(name):
    """The menu's URLs, reversed once per process (and script prefix), not per page."""
    key = (get_script_prefix(), name)
    if key not in _URLS:
        _URLS[key] = reverse(name)
    return _URLS[key]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    sections = {}
    current = getattr(request.resolver_match, "view_name", "")
    for section, label, name, perms, icon in NAV:
        if user.has_perms(perms):
            sections.setdefault(section, []).append(
                {
                    "label": label,
                    "name": name,
                    "url": _url(name),
                    "icon": icon,
                    "active": name == current,
                }
            )
    return {"nav_sections": list(sections.items())}
