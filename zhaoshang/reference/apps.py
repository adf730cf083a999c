from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "zhaoshang.reference"
    verbose_name = "基础数据"
