from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "zhaoshang.policies"
    verbose_name = "政策库"
