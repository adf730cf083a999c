from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .scoping import load_authorisation


class RoleBackend(ModelBackend):
    """Permissions come from the roles a user is granted, never from superuser status
    (nobody is a superuser: the three administrators are separate roles)."""

    def get_user(self, user_id):
        # The unit comes with the user: every page shows it, and scoping reads its path.
        User = get_user_model()
        try:
            user = User._default_manager.select_related("department").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(role__grants__user=user_obj)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            load_authorisation(user_obj)
        return user_obj._perm_cache
