from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from .services import sync_builtin_roles

    sync_builtin_roles()


class OrgConfig(AppConfig):
    name = "zhaoshang.org"
    verbose_name = "组织与权限"

    def ready(self):
        # Built-in roles follow roles.py after every migrate (permissions exist by then).
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="zs-sync-roles")
