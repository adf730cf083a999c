from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "zhaoshang.opportunities"
    verbose_name = "招商项目库"
