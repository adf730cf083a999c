from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "zhaoshang.assessment"
    verbose_name = "目标考核"
