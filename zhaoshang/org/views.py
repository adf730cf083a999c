import base64

import segno
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import exports
from zhaoshang.common.redirects import safe_next
from zhaoshang.common.views import form_errors_to, render_list
from zhaoshang.org import roles

from . import home, policy, queries, services
from .access import paginate, require
from .forms import (
    DepartmentForm,
    GrantForm,
    LoginForm,
    PasswordChangeForm,
    PolicyForm,
    ResetPasswordForm,
    RoleForm,
    TokenForm,
    UserCreateForm,
    UserForm,
)
from .middleware import GATE_OK
from .models import Department, Role, SecurityPolicy, User


# --- Signing in and out -----------------------------------------------------------------
class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        # Django checks ``next`` too; going through the one helper keeps a single rule.
        return safe_next(self.request, default="")


def locked_out(request, credentials=None, *args, **kwargs):
    current = policy.current()
    context = {
        "minutes": current["lockout_minutes"],
        "failures": current["lockout_failures"],
        "accounts": current["address_lockout_accounts"],
        "address_locked": getattr(request, "zs_address_locked", False),
    }
    return render(request, "org/locked.html", context, status=403)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("org:login")


@require()
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        request.session.pop(GATE_OK, None)
        messages.success(request, "密码已修改。")
        return redirect("org:home")
    return render(request, "org/password_change.html", {"form": form})


@require()
def otp_setup(request):
    """Enrol a TOTP authenticator: scan the code, type the first six digits to confirm."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="动态口令", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session.pop(GATE_OK, None)
            audit_record(AuditEvent.Action.OTP_ENROL, actor=request.user, obj=request.user)
            messages.success(request, "动态口令已绑定，今后登录时需输入。")
            return redirect("org:home")
        form.add_error("token", "动态口令不正确，请核对手机时间后重试。")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "org/otp_setup.html", {"form": form, "qr_svg": qr_svg, "secret": secret})


@require()
def otp_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
        for device in devices:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                wait = (details or {}).get("locked_until")
                form.add_error(
                    "token",
                    "动态口令错误次数过多，请稍候再试"
                    + (f"（{timezone.localtime(wait):%H:%M:%S} 后）。" if wait else "。"),
                )
                break
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                request.session.pop(GATE_OK, None)
                return redirect(safe_next(request))
        else:
            audit_record(
                AuditEvent.Action.OTP_FAILED,
                actor=request.user,
                obj=request.user,
                result=AuditEvent.Result.FAILURE,
            )
            form.add_error("token", "动态口令不正确或已过期，请重新输入。")
    return render(request, "org/otp_verify.html", {"form": form})


# --- Home -------------------------------------------------------------------------------
@require()
def home_view(request):
    return render(request, "org/home.html", {"cards": home.cards_for(request.user)})


@require()
def profile(request):
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    grants = request.user.grants.select_related("role")
    return render(request, "org/profile.html", {"has_device": has_device, "grants": grants})


# --- Units ------------------------------------------------------------------------------
@exports.register("org.departments", object_type="org.department")
def department_table(user, params):
    q, kind = params.get("q", "").strip(), params.get("kind", "")
    units = queries.department_tree(user, q, kind)
    return exports.Table(
        "单位列表",
        [
            (
                "单位",
                [
                    "单位名称",
                    "简称",
                    "单位类型",
                    "上级单位",
                    "单位编码",
                    "联系电话",
                    "在岗人数",
                    "状态",
                ],
                (
                    [
                        u.name,
                        u.short_name,
                        u.get_kind_display(),
                        u.parent.name if u.parent else "",
                        u.code,
                        u.phone,
                        u.user_count,
                        "启用" if u.is_active else "停用",
                    ]
                    for u in units
                ),
            )
        ],
        count=len(units),
    )


@require(roles.VIEW_DEPARTMENT)
def department_list(request):
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    units = queries.department_tree(request.user, q, kind)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "org.departments", request.GET)
    context = {"units": units, "q": q, "kind": kind, "kinds": Department.Kind.choices}
    return render_list(request, "org/department_list.html", context)


@require(roles.MANAGE_DEPARTMENT)
def department_edit(request, pk=None):
    department = get_object_or_404(queries.departments_for(request.user), pk=pk) if pk else None
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_dict()
        try:
            if department is None:
                department = services.department_create(actor=request.user, data=data)
            else:
                services.department_update(
                    actor=request.user,
                    department=department,
                    data=data,
                    version=form.cleaned_data["version"],
                )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"单位“{department.name}”已保存。")
            return redirect("org:department_list")
    return render(request, "org/department_form.html", {"form": form, "department": department})


# --- Users ------------------------------------------------------------------------------
def _user_filters(params):
    department = None
    if params.get("department"):
        department = Department.objects.filter(pk=params["department"]).first()
    role = Role.objects.filter(pk=params["role"]).first() if params.get("role") else None
    active = {"1": True, "0": False}.get(params.get("active", ""))
    return {
        "q": params.get("q", "").strip(),
        "department": department,
        "role": role,
        "active": active,
    }


@exports.register("org.users", object_type="org.user")
def user_table(user, params):
    users = queries.users_for(user, **_user_filters(params))
    return exports.Table(
        "用户列表",
        [
            (
                "用户",
                [
                    "登录账号",
                    "姓名",
                    "所属单位",
                    "职务",
                    "手机号",
                    "角色",
                    "状态",
                    "最近登录",
                    "密码修改时间",
                ],
                (
                    [
                        u.username,
                        u.full_name,
                        u.department.name,
                        u.title,
                        u.phone,
                        "、".join(g.role.name for g in u.grants.all()),
                        "启用" if u.is_active else "停用",
                        u.last_login.strftime("%Y-%m-%d %H:%M") if u.last_login else "",
                        u.password_changed_at.strftime("%Y-%m-%d") if u.password_changed_at else "",
                    ]
                    for u in users.iterator(chunk_size=1000)
                ),
            )
        ],
        count=users.count(),
    )


@require(roles.VIEW_USER)
def user_list(request):
    filters = _user_filters(request.GET)
    users = queries.users_for(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "org.users", request.GET)
    page = paginate(request, users)
    context = {
        "page": page,
        "filters": filters,
        "departments": queries.departments_for(request.user).only("pk", "name", "path"),
        "roles": Role.objects.all(),
    }
    return render_list(request, "org/user_list.html", context)


@require(roles.MANAGE_USER)
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"password", "version"}}
        try:
            user = services.user_create(
                actor=request.user, data=data, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"用户“{user}”已创建；请告知其初始密码，首次登录须修改。")
            return redirect("org:user_detail", pk=user.pk)
    return render(request, "org/user_form.html", {"form": form})


@require(roles.VIEW_USER)
def user_detail(request, pk):
    subject = get_object_or_404(queries.users_for(request.user), pk=pk)
    locked = bool(queries.locked_accounts(username=subject.username))
    return render(
        request,
        "org/user_detail.html",
        {
            "subject": subject,
            "locked": locked,
            "grant_form": GrantForm(),
            "has_device": TOTPDevice.objects.filter(user=subject, confirmed=True).exists(),
        },
    )


@require(roles.MANAGE_USER)
def user_edit(request, pk):
    subject = get_object_or_404(queries.users_for(request.user), pk=pk)
    form = UserForm(request.POST or None, instance=subject)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=request.user,
                user=subject,
                data=form.changed_data_dict(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"用户“{subject}”已保存。")
            return redirect("org:user_detail", pk=subject.pk)
    return render(request, "org/user_form.html", {"form": form, "subject": subject})


@require(roles.MANAGE_USER)
def user_reset_password(request, pk):
    subject = get_object_or_404(queries.users_for(request.user), pk=pk)
    form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                user=subject,
                password=form.cleaned_data["password"],
                actor=request.user,
                temporary=True,
            )
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            messages.success(request, f"已重置“{subject}”的密码，其下次登录须修改。")
            return redirect("org:user_detail", pk=subject.pk)
    return render(request, "org/user_reset_password.html", {"form": form, "subject": subject})


# --- Roles, grants, unlocking and the policy (security administrator) -------------------
@exports.register("org.roles", object_type="org.role")
def role_table(user, params):
    roles = queries.roles_with_counts()
    return exports.Table(
        "角色列表",
        [
            (
                "角色",
                ["角色", "类别", "数据范围", "权限", "人数", "说明"],
                (
                    [
                        r.name,
                        r.get_kind_display(),
                        r.get_data_scope_display(),
                        "、".join(p.name for p in r.permissions.all()),
                        r.holders,
                        r.description,
                    ]
                    for r in roles
                ),
            )
        ],
        count=len(roles),
    )


@require(roles.VIEW_USER)
def role_list(request):
    roles = queries.roles_with_counts()
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "org.roles", request.GET)
    return render(request, "org/role_list.html", {"roles": roles})


@exports.register("org.grants", object_type="org.grant")
def grant_table(user, params):
    grants = queries.grants_for(user, role=params.get("role"), q=params.get("q", "").strip())
    return exports.Table(
        "授权清单",
        [
            (
                "授权",
                ["登录账号", "姓名", "所属单位", "角色", "数据范围", "授权人", "授权时间"],
                (
                    [
                        g.user.username,
                        g.user.full_name,
                        g.user.department.name,
                        g.role.name,
                        g.role.get_data_scope_display(),
                        str(g.granted_by or "系统初始化"),
                        timezone.localtime(g.granted_at).strftime("%Y-%m-%d %H:%M"),
                    ]
                    for g in grants
                ),
            )
        ],
        count=grants.count(),
    )


@require(roles.VIEW_USER)
def grant_list(request):
    """Who holds which role: the security administrator's review list (授权清单)."""
    grants = queries.grants_for(
        request.user, role=request.GET.get("role"), q=request.GET.get("q", "").strip()
    )
    if request.GET.get("export") == "xlsx":
        return exports.respond(request, "org.grants", request.GET)
    context = {
        "page": paginate(request, grants),
        "roles": Role.objects.all(),
        "role": request.GET.get("role", ""),
        "q": request.GET.get("q", ""),
    }
    return render_list(request, "org/grant_list.html", context)


@require(roles.MANAGE_ROLE)
def role_edit(request, pk=None):
    role = get_object_or_404(Role, pk=pk) if pk else None
    if role is not None and role.is_builtin:
        messages.info(request, "内置角色由系统维护，不能修改；如需不同权限，请新建角色。")
        return redirect("org:role_list")
    form = RoleForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            role = (
                services.role_create(actor=request.user, data=data)
                if role is None
                else services.role_update(actor=request.user, role=role, data=data)
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, f"角色“{role.name}”已保存。")
            return redirect("org:role_list")
    return render(request, "org/role_form.html", {"form": form, "role": role})


@require(roles.MANAGE_ROLE)
@require_POST
def grant_add(request, pk):
    subject = get_object_or_404(queries.users_for(request.user), pk=pk)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            services.grant_role(actor=request.user, user=subject, role=form.cleaned_data["role"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已授予“{subject}”角色“{form.cleaned_data['role'].name}”。")
    else:
        messages.error(request, "请选择要授予的角色。")
    return redirect("org:user_detail", pk=subject.pk)


@require(roles.MANAGE_ROLE)
@require_POST
def grant_remove(request, pk, role_pk):
    subject = get_object_or_404(queries.users_for(request.user), pk=pk)
    role = get_object_or_404(Role, pk=role_pk)
    services.revoke_role(actor=request.user, user=subject, role=role)
    messages.success(request, f"已收回“{subject}”的角色“{role.name}”。")
    return redirect("org:user_detail", pk=subject.pk)


@require(roles.UNLOCK_USER)
def locked_list(request):
    current = policy.current()
    context = {
        "accounts": queries.locked_accounts(),
        "addresses": queries.locked_addresses(),
        "limit": current["lockout_failures"],
        "address_limit": current["address_lockout_accounts"],
        "minutes": current["lockout_minutes"],
    }
    return render(request, "org/locked_list.html", context)


@require(roles.UNLOCK_USER)
@require_POST
def unlock(request):
    username = request.POST.get("username", "").strip()
    ip = request.POST.get("ip", "").strip()
    if username:
        services.user_unlock(actor=request.user, username=username)
        messages.success(request, f"已解除账号“{username}”的锁定。")
    elif ip:
        services.user_unlock_address(actor=request.user, ip=ip)
        messages.success(request, f"已解除地址 {ip} 的锁定。")
    return redirect("org:locked_list")


@require(roles.MANAGE_POLICY)
def policy_edit(request):
    row = SecurityPolicy.objects.first() or SecurityPolicy(**policy.defaults())
    form = PolicyForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in [*policy.BOUNDS, *policy.TEXTS]}
        try:
            services.policy_update(
                actor=request.user, data=data, version=form.cleaned_data.get("version")
            )
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, "安全策略已保存，立即生效。")
            return redirect("org:policy")
    admins = (
        User.objects.filter(
            grants__role__kind__in=[
                Role.Kind.SYSTEM_ADMIN,
                Role.Kind.SECURITY_ADMIN,
                Role.Kind.AUDIT_ADMIN,
            ]
        )
        .select_related("department")
        .prefetch_related("grants__role")
        .distinct()
    )
    no_otp = admins.exclude(Q(totpdevice__confirmed=True))
    return render(request, "org/policy.html", {"form": form, "admins": admins, "no_otp": no_otp})
