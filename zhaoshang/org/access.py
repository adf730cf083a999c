"""Access helpers every view starts with."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator


def require(*perms):
    """Signed in, and holding every permission in ``perms``; else login or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if perms and not request.user.has_perms(perms):
                raise PermissionDenied("您没有访问此页面的权限。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def paginate(request, queryset, per_page=50, count=None):
    """A page of ``queryset``. ``count``: the number of rows when the caller can count
    them more cheaply than ``queryset.count()`` (a list reading display columns through
    joins counts the filtered table alone)."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.querystring = query.urlencode()
    return page
