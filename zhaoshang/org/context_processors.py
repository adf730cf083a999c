"""The navigation: each entry names the permission it needs, so a menu never offers a
page that would answer 403. A later module adds its entries with one line each."""

from django.urls import get_script_prefix, reverse

from zhaoshang.org import roles

NAV = [
    # (section, label, url name, permissions, icon)
    ("工作台", "首页", "org:home", (), "house"),
    (
        "招商工作",
        "企业库",
        "enterprises:enterprise_list",
        (roles.VIEW_ENTERPRISES,),
        "building-check",
    ),
    (
        "招商工作",
        "企业导入",
        "enterprises:import_list",
        (roles.IMPORT_ENTERPRISES,),
        "upload",
    ),
    # Projects (pipeline/views.py)
    ("项目推进", "项目看板", "pipeline:kanban", (roles.VIEW_PIPELINE,), "kanban"),
    ("项目推进", "项目清单", "pipeline:project_list", (roles.VIEW_PIPELINE,), "list-task"),
    (
        "项目推进",
        "台账逾期",
        "pipeline:overdue_ledgers",
        (roles.VIEW_PIPELINE,),
        "alarm",
    ),
    (
        "项目推进",
        "问题清单",
        "pipeline:problem_list",
        (roles.VIEW_PIPELINE,),
        "exclamation-triangle",
    ),
    ("项目推进", "推进漏斗", "pipeline:funnel", (roles.VIEW_PIPELINE,), "funnel"),
    ("项目推进", "台账导入", "pipeline:import_list", (roles.MANAGE_PIPELINE,), "upload"),
    ("项目推进", "项目设置", "pipeline:config", (roles.COORDINATE_PIPELINE,), "sliders"),
    # --- Admission evaluation and tailored terms ---
    (
        "项目推进",
        "准入评估",
        "pipeline:evaluation_list",
        (roles.VIEW_PIPELINE,),
        "clipboard-check",
    ),
    ("项目推进", "待我评审", "pipeline:review_list", (roles.VIEW_PIPELINE,), "pencil-square"),
    (
        "项目推进",
        "一企一策",
        "pipeline:terms_list",
        (roles.VIEW_PIPELINE,),
        "file-earmark-text",
    ),
    (
        "项目推进",
        "评估模板",
        "pipeline:evaluation_template_list",
        (roles.COORDINATE_PIPELINE,),
        "sliders",
    ),
    # The opportunity library, the policy library and the portal (issue 14).
    (
        "招商工作",
        "招商项目库",
        "opportunities:opportunity_list",
        (roles.VIEW_OPPORTUNITIES,),
        "briefcase",
    ),
    ("招商工作", "政策库", "policies:policy_list", (roles.VIEW_POLICIES,), "journal-text"),
    # Industry chains (issue 15): read by every reader of the enterprise library.
    ("招商工作", "产业链招商", "chains:chain_list", (roles.VIEW_ENTERPRISES,), "bezier2"),
    ("门户网站", "门户简介", "portal_admin:profile", (roles.MANAGE_PORTAL,), "globe"),
    ("门户网站", "展示企业", "portal_admin:showcase_list", (roles.MANAGE_PORTAL,), "award"),
    ("门户网站", "咨询与投诉", "portal_admin:submission_list", (roles.MANAGE_PORTAL,), "envelope"),
    ("基础数据", "产业目录", "reference:industry_list", (roles.VIEW_REFERENCE,), "diagram-3"),
    ("基础数据", "重点产业", "reference:key_industry_list", (roles.VIEW_REFERENCE,), "stars"),
    ("基础数据", "功能区", "reference:zone_list", (roles.VIEW_REFERENCE,), "map"),
    ("基础数据", "载体", "reference:carrier_list", (roles.VIEW_REFERENCE,), "building"),
    (
        "基础数据",
        "地区",
        "reference:region_list",
        (roles.VIEW_REFERENCE,),
        "globe-asia-australia",
    ),
    ("基础数据", "工作日历", "reference:calendar", (roles.MANAGE_CALENDAR,), "calendar3"),
    # Targets, the monthly report and dashboards (issue 5).
    ("统计考核", "全区驾驶舱", "reports:dashboard", (roles.VIEW_REPORT,), "speedometer2"),
    (
        "统计考核",
        "招商办工作台",
        "reports:office_dashboard",
        (roles.VIEW_REPORT, roles.COORDINATE_PIPELINE),
        "clipboard-data",
    ),
    (
        "统计考核",
        "本单位完成情况",
        "reports:unit_dashboard",
        (roles.VIEW_UNIT_DASHBOARD,),
        "graph-up-arrow",
    ),
    ("统计考核", "统计月报", "reports:monthly", (roles.VIEW_REPORT,), "file-earmark-bar-graph"),
    ("统计考核", "已发布月报", "reports:issued_list", (roles.VIEW_ISSUED_REPORT,), "archive"),
    ("统计考核", "工作简报", "reports:bulletin_list", (roles.VIEW_ISSUED_REPORT,), "newspaper"),
    ("统计考核", "目标任务", "assessment:target_list", (roles.VIEW_TARGET,), "bullseye"),
    ("统计考核", "考核结果", "assessment:result_list", (roles.VIEW_TARGET,), "trophy"),
    ("统计考核", "月调度", "assessment:dispatch", (roles.VIEW_REPORT,), "calendar-check"),
    ("统计考核", "月度汇率", "reports:rate_list", (roles.VIEW_REPORT,), "currency-exchange"),
    ("组织与权限", "单位", "org:department_list", (roles.VIEW_DEPARTMENT,), "diagram-2"),
    ("组织与权限", "用户", "org:user_list", (roles.VIEW_USER,), "people"),
    ("组织与权限", "角色", "org:role_list", (roles.VIEW_USER,), "person-badge"),
    ("组织与权限", "授权清单", "org:grant_list", (roles.VIEW_USER,), "card-checklist"),
    ("组织与权限", "接口密钥", "apikeys:key_list", (roles.MANAGE_APIKEY,), "key"),
    ("安全管理", "锁定账号", "org:locked_list", (roles.UNLOCK_USER,), "lock"),
    ("安全管理", "安全策略", "org:policy", (roles.MANAGE_POLICY,), "shield-check"),
    ("安全审计", "审计日志", "audit:event_list", (roles.VIEW_AUDIT_LOG,), "journal-text"),
    ("安全审计", "登录日志", "audit:login_list", (roles.VIEW_AUDIT_LOG,), "box-arrow-in-right"),
    # Leads
    ("招商工作", "线索", "pipeline:lead_list", (roles.VIEW_PIPELINE,), "lightbulb"),
    (
        "招商工作",
        "登记线索",
        "pipeline:lead_register",
        (roles.MANAGE_PIPELINE,),
        "plus-circle",
    ),
    ("招商工作", "线索推送", "pipeline:lead_push_list", (roles.VIEW_PIPELINE,), "send"),
    ("招商工作", "公海", "pipeline:lead_pool", (roles.VIEW_PIPELINE,), "inboxes"),
    # Partners, referrals and finder rewards (issue 16, M21).
    ("中介与引荐", "中介名录", "partners:partner_list", (roles.VIEW_PARTNERS,), "diagram-3"),
    ("中介与引荐", "中介奖励", "partners:reward_list", (roles.VIEW_REWARDS,), "award"),
    ("中介与引荐", "奖励规则", "partners:rule_list", (roles.VIEW_REWARDS,), "sliders"),
    # Aftercare (issue 13): service tickets, visits, expansion; complaints.
    ("企业服务", "企业诉求", "aftercare:ticket_list", (roles.VIEW_AFTERCARE,), "headset"),
    (
        "企业服务",
        "登记诉求",
        "aftercare:ticket_create",
        (roles.MANAGE_AFTERCARE,),
        "plus-circle",
    ),
    ("企业服务", "办理情况", "aftercare:dashboard", (roles.VIEW_AFTERCARE,), "speedometer"),
    (
        "企业服务",
        "走访记录",
        "aftercare:visit_list",
        (roles.VIEW_AFTERCARE,),
        "person-walking",
    ),
    (
        "企业服务",
        "走访日历",
        "aftercare:visit_calendar",
        (roles.VIEW_AFTERCARE,),
        "calendar-week",
    ),
    ("企业服务", "重点企业走访", "aftercare:coverage", (roles.VIEW_AFTERCARE,), "pin-map"),
    ("企业服务", "增资扩产", "aftercare:expansion_list", (roles.VIEW_AFTERCARE,), "graph-up"),
    ("企业服务", "事项类型", "aftercare:type_list", (roles.COORDINATE_AFTERCARE,), "sliders"),
    (
        "投诉处理",
        "投诉受理",
        "complaints:complaint_list",
        (roles.VIEW_COMPLAINT,),
        "megaphone",
    ),
    (
        "投诉处理",
        "交办核查",
        "complaints:task_list",
        (roles.ANSWER_COMPLAINT_TASK,),
        "clipboard-check",
    ),
    (
        "投诉处理",
        "典型案例",
        "complaints:case_list",
        (roles.HANDLE_COMPLAINT,),
        "journal-bookmark",
    ),
    # Supervision items and the progress notice (issue 16, M18).
    ("督查督办", "督办事项", "supervision:item_list", (roles.VIEW_SUPERVISION,), "flag"),
    (
        "督查督办",
        "交办督办事项",
        "supervision:item_create",
        (roles.MANAGE_SUPERVISION,),
        "plus-circle",
    ),
    ("督查督办", "进展通报", "supervision:notice", (roles.VIEW_SUPERVISION,), "file-earmark-word"),
    # Agreements, incentives, disbursement and clawback (issue 12).
    (
        "协议兑现",
        "协议",
        "agreements:agreement_list",
        (roles.VIEW_AGREEMENT,),
        "file-earmark-text",
    ),
    (
        "协议兑现",
        "奖励兑现",
        "agreements:disbursement_list",
        (roles.VIEW_DISBURSEMENT,),
        "cash-coin",
    ),
    (
        "协议兑现",
        "待确认数据",
        "agreements:data_queue",
        (roles.CONFIRM_OPERATING_DATA,),
        "check2-square",
    ),
    (
        "协议兑现",
        "履约台账",
        "agreements:fulfilment",
        (roles.VIEW_AGREEMENT,),
        "clipboard-data",
    ),
    (
        "协议兑现",
        "经营数据",
        "agreements:data_list",
        (roles.SUPPLY_OPERATING_DATA,),
        "table",
    ),
    (
        "协议兑现",
        "经营数据导入",
        "agreements:import_list",
        (roles.SUPPLY_OPERATING_DATA,),
        "upload",
    ),
    ("协议兑现", "兑现统计", "agreements:report", (roles.VIEW_DISBURSEMENT,), "bar-chart"),
    # The promotion budget (issue 16).
    ("专项经费", "经费执行情况", "budget:report", (roles.VIEW_BUDGET,), "wallet2"),
    ("专项经费", "支出明细", "budget:spending_list", (roles.VIEW_BUDGET,), "receipt"),
    ("专项经费", "登记支出", "budget:spending_create", (roles.POST_SPENDING,), "plus-circle"),
    ("专项经费", "设立经费科目", "budget:line_create", (roles.MANAGE_BUDGET,), "sliders"),
    # Promotion events and their quota (issue 16).
    ("招商工作", "推介活动", "events:event_list", (roles.VIEW_EVENT,), "megaphone"),
    ("招商工作", "活动指标", "events:quota_list", (roles.VIEW_EVENT,), "flag"),
    # Notifications
    ("工作台", "我的消息", "notifications:inbox", (), "bell"),
    (
        "组织与权限",
        "群机器人",
        "notifications:webhook_list",
        (roles.MANAGE_WEBHOOK,),
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
