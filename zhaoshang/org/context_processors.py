"""The navigation: each entry names the permission it needs, so a menu never offers a
page that would answer 403. A later module adds its entries with one line each."""

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
    # --- Admission evaluation and tailored terms ---
    (
        "项目管理",
        "准入评估",
        "pipeline:evaluation_list",
        ("pipeline.view_pipeline",),
        "clipboard-check",
    ),
    ("项目管理", "待我评审", "pipeline:review_list", ("pipeline.view_pipeline",), "pencil-square"),
    (
        "项目管理",
        "一企一策",
        "pipeline:terms_list",
        ("pipeline.view_pipeline",),
        "file-earmark-text",
    ),
    (
        "项目管理",
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
    ("组织与权限", "单位", "org:department_list", ("org.view_department",), "diagram-2"),
    ("组织与权限", "用户", "org:user_list", ("org.view_user",), "people"),
    ("组织与权限", "角色", "org:role_list", ("org.view_user",), "person-badge"),
    ("组织与权限", "授权清单", "org:grant_list", ("org.view_user",), "card-checklist"),
    ("安全管理", "锁定账号", "org:locked_list", ("org.unlock_user",), "lock"),
    ("安全管理", "安全策略", "org:policy", ("org.manage_policy",), "shield-check"),
    ("安全审计", "审计日志", "audit:event_list", ("audit.view_audit_log",), "journal-text"),
    ("安全审计", "登录日志", "audit:login_list", ("audit.view_audit_log",), "box-arrow-in-right"),
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


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    sections = {}
    current = getattr(request.resolver_match, "view_name", "")
    for section, label, name, perms, icon in NAV:
        if user.has_perms(perms):
            sections.setdefault(section, []).append(
                {"label": label, "name": name, "icon": icon, "active": name == current}
            )
    return {"nav_sections": list(sections.items())}
