"""The office's pages for the portal: the district's introduction, the enterprises shown
(with their consent), and the submissions received with what became of them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.common.views import form_errors_to
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.org import roles
from zhaoshang.org.access import paginate, require
from zhaoshang.pipeline.models import LANDED_STAGES

from . import services
from .models import Profile, Showcase, Submission
from .staff_forms import ProfileForm, ShowcaseForm

MANAGE = roles.MANAGE_PORTAL


@require(MANAGE)
def profile(request):
    form = ProfileForm(request.POST or None, instance=Profile.current())
    if request.method == "POST" and form.is_valid():
        services.profile_save(
            actor=request.user, data={f: form.cleaned_data[f] for f in ProfileForm.Meta.fields}
        )
        messages.success(request, "已保存，门户网站在缓存到期后（约1分钟）显示新内容。")
        return redirect("portal_admin:profile")
    return render(request, "portal/staff/profile.html", {"form": form})


@require(MANAGE)
def showcase_list(request):
    form = ShowcaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["enterprise"].strip()
        enterprise = (
            Enterprise.objects.filter(Q(credit_code=text.upper()) | Q(name=text))
            .filter(projects__stage__in=LANDED_STAGES)
            .distinct()
            .first()
        )
        if enterprise is None:
            form.add_error("enterprise", f"企业库中没有名为或代码为“{text}”的落地企业。")
        else:
            try:
                services.showcase_add(
                    actor=request.user, enterprise=enterprise, data=form.cleaned_data
                )
            except ValidationError as exc:
                form_errors_to(form, exc)
            else:
                messages.success(request, f"已将“{enterprise.name}”加入展示企业。")
                return redirect("portal_admin:showcase_list")
    page = paginate(request, Showcase.objects.select_related("enterprise", "key_industry"))
    return render(request, "portal/staff/showcase_list.html", {"form": form, "page": page})


@require_POST
@require(MANAGE)
def showcase_remove(request, pk):
    showcase = get_object_or_404(Showcase, pk=pk)
    services.showcase_remove(actor=request.user, showcase=showcase)
    messages.success(request, f"已停止展示“{showcase.display_name}”。")
    return redirect("portal_admin:showcase_list")


@require(MANAGE)
def submission_list(request):
    page = paginate(request, Submission.objects.select_related("lead", "opportunity"))
    return render(request, "portal/staff/submission_list.html", {"page": page})
