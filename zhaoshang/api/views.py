"""The system administrator's pages for API keys: list, create (the key is shown once,
on the answer to the creating POST, and never again), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhaoshang.common.views import form_errors_to
from zhaoshang.org import roles
from zhaoshang.org.access import require

from . import keys, queries, services
from .forms import ApiKeyForm

MANAGE = roles.MANAGE_APIKEY


def _with_module_names(api_keys):
    names = keys.modules()
    for key in api_keys:
        key.module_names = [names.get(m, m) for m in key.modules]
    return api_keys


@require(MANAGE)
def key_list(request):
    api_keys = _with_module_names(list(queries.keys_for(request.user)))
    return render(request, "api/key_list.html", {"keys": api_keys, "header": keys.HEADER})


# never_cache: the page that shows the key must not stay in a browser's or proxy's cache.
@never_cache
@require(MANAGE)
def key_create(request):
    form = ApiKeyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            key, raw = services.api_key_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            return render(
                request,
                "api/key_created.html",
                {"key": _with_module_names([key])[0], "raw": raw, "header": keys.HEADER},
            )
    return render(request, "api/key_form.html", {"form": form})


@require(MANAGE)
@require_POST
def key_revoke(request, pk):
    key = get_object_or_404(queries.keys_for(request.user), pk=pk)
    try:
        services.api_key_revoke(actor=request.user, key=key)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"接口密钥“{key.name}”已吊销，使用它的调用将被拒绝。")
    return redirect("apikeys:key_list")
