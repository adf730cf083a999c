from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.common.redirects import is_local_url
from zhaoshang.common.views import form_errors_to
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require

from . import queries, services
from .forms import WebhookForm
from .models import WebhookDelivery

MANAGE_WEBHOOK = roles.MANAGE_WEBHOOK


@require()
def inbox(request):
    page = paginate(request, queries.inbox(request.user).select_related("actor"), per_page=30)
    context = {"page": page, "unread": queries.unread_count(request.user)}
    template = "notifications/inbox.html#list" if request.htmx else "notifications/inbox.html"
    return render(request, template, context)


@require()
def badge(request):
    """The unread count in the top bar, loaded by htmx so pages do not pay for it."""
    return render(
        request, "notifications/badge.html", {"unread": queries.unread_count(request.user)}
    )


@require()
def open_notification(request, pk):
    """Follow a message's link and mark it read."""
    n = get_object_or_404(queries.inbox(request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification_ids=[n.pk])
    if is_local_url(request, n.url):
        return redirect(n.url)
    return redirect("notifications:inbox")


@require()
@require_POST
def mark_read(request, pk):
    n = get_object_or_404(queries.inbox(request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification_ids=[n.pk])
    if request.htmx:
        n.refresh_from_db()
        return render(request, "notifications/inbox.html#row", {"n": n})
    return redirect("notifications:inbox")


@require()
@require_POST
def mark_all_read(request):
    count = services.notification_mark_read(actor=request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。")
    return redirect("notifications:inbox")


@require(MANAGE_WEBHOOK)
def webhook_list(request):
    units = queries.webhook_units(request.user)
    form = WebhookForm(
        request.POST or None, units=units, initial={"department": request.user.department_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            hook = services.webhook_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"群机器人“{hook.name}”已添加。")
            return redirect("notifications:webhook_list")
    context = {
        "webhooks": queries.webhooks(request.user),
        "deliveries": queries.recent_deliveries(request.user),
        "form": form,
    }
    return render(request, "notifications/webhook_list.html", context)


@require(MANAGE_WEBHOOK)
def webhook_edit(request, pk):
    hook = get_object_or_404(queries.webhooks(request.user), pk=pk)
    form = WebhookForm(
        request.POST or None, instance=hook, units=queries.webhook_units(request.user)
    )
    if request.method == "POST":
        if "delete" in request.POST:
            services.webhook_delete(actor=request.user, webhook=hook)
            messages.success(request, f"群机器人“{hook.name}”已删除。")
            return redirect("notifications:webhook_list")
        if form.is_valid():
            try:
                services.webhook_update(
                    actor=request.user,
                    webhook=hook,
                    data=form.service_data(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                form_errors_to(form, exc)
            else:
                messages.success(request, f"群机器人“{hook.name}”已保存。")
                return redirect("notifications:webhook_list")
    return render(request, "notifications/webhook_form.html", {"form": form, "hook": hook})


@require(MANAGE_WEBHOOK)
@require_POST
def webhook_test(request, pk):
    hook = get_object_or_404(queries.webhooks(request.user), pk=pk)
    delivery = services.webhook_test_send(actor=request.user, webhook=hook)
    if delivery.status == WebhookDelivery.Status.SENT:
        messages.success(request, f"测试消息已发送到“{hook.name}”，请到群里查看。")
    else:
        # The classified error only (address refused, timeout, HTTP status, error
        # code): never what the remote end answered.
        messages.error(request, f"测试消息发送失败：{delivery.error}。")
    return redirect("notifications:webhook_list")
