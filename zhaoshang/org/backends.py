from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    """Permissions come from the roles a user is granted, never from superuser status
    (nobody is a superuser: the three administrators are separate roles)."""

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(role__grants__user=user_obj)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = {
                f"{ct}.{name}"
                for ct, name in self._get_group_permissions(user_obj)
                .values_list("content_type__app_label", "codename")
                .order_by()
            }
        return user_obj._perm_cache
