from django.utils import timezone

from zhaoshang.common import exports
from zhaoshang.common.views import render_list
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require

from . import queries
from .models import AuditEvent


def _changes_text(changes):
    return "；".join(
        f"{k}：{v[0]} → {v[1]}" for k, v in (changes or {}).items() if isinstance(v, list)
    )


FILTERS = ("user", "obj", "action", "start", "end")
HEADERS = ["时间", "账号", "地址", "操作", "对象类型", "对象", "变更内容", "结果", "说明"]


def _event_table(params, *, login_only, title):
    rows = queries.events(login_only=login_only, **{k: params.get(k, "") for k in FILTERS})
    return exports.Table(
        title,
        [
            (
                title,
                HEADERS,
                (
                    [
                        timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                        e.username,
                        e.ip or "",
                        e.get_action_display(),
                        e.object_type,
                        e.object_repr,
                        _changes_text(e.changes),
                        e.get_result_display(),
                        e.detail,
                    ]
                    for e in rows.iterator(chunk_size=2000)
                ),
            )
        ],
        count=rows.count(),
    )


@exports.register("audit.events", object_type="audit.auditevent")
def event_table(user, params):
    return _event_table(params, login_only=False, title="审计日志")


@exports.register("audit.logins", object_type="audit.auditevent")
def login_table(user, params):
    return _event_table(params, login_only=True, title="登录日志")


def _event_page(request, *, login_only, title, url_name):
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    rows = queries.events(login_only=login_only, **filters)
    if request.GET.get("export") == "xlsx":
        name = "audit.logins" if login_only else "audit.events"
        return exports.respond(request, name, request.GET)
    actions = [
        c for c in AuditEvent.Action.choices if not login_only or c[0] in AuditEvent.LOGIN_ACTIONS
    ]
    context = {
        "page": paginate(request, rows),
        "filters": filters,
        "actions": actions,
        "title": title,
        "url_name": url_name,
    }
    return render_list(request, "audit/event_list.html", context)


@require(roles.VIEW_AUDIT_LOG)
def event_list(request):
    return _event_page(request, login_only=False, title="审计日志", url_name="audit:event_list")


@require(roles.VIEW_AUDIT_LOG)
def login_list(request):
    return _event_page(request, login_only=True, title="登录日志", url_name="audit:login_list")
