from django.shortcuts import render
from django.utils import timezone

from zhaoshang.common.excel import xlsx_response
from zhaoshang.org.access import paginate, require

from . import queries
from .models import AuditEvent
from .services import audit_record


def _changes_text(changes):
    return "；".join(
        f"{k}：{v[0]} → {v[1]}" for k, v in (changes or {}).items() if isinstance(v, list)
    )


def _event_page(request, *, login_only, title, url_name):
    filters = {k: request.GET.get(k, "").strip() for k in ("user", "obj", "action", "start", "end")}
    rows = queries.events(login_only=login_only, **filters)
    if request.GET.get("export") == "xlsx":
        audit_record(
            AuditEvent.Action.EXPORT,
            actor=request.user,
            object_type="audit.auditevent",
            detail=f"导出{title}",
        )
        return xlsx_response(
            title,
            [
                (
                    title,
                    [
                        "时间",
                        "账号",
                        "地址",
                        "操作",
                        "对象类型",
                        "对象",
                        "变更内容",
                        "结果",
                        "说明",
                    ],
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
        )
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
    template = "audit/event_list.html#results" if request.htmx else "audit/event_list.html"
    return render(request, template, context)


@require("audit.view_audit_log")
def event_list(request):
    return _event_page(request, login_only=False, title="审计日志", url_name="audit:event_list")


@require("audit.view_audit_log")
def login_list(request):
    return _event_page(request, login_only=True, title="登录日志", url_name="audit:login_list")
