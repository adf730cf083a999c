# Joins the opportunity library's branch (a lead may name its opportunity) to the
# kanban index and problem clock branches. No field is touched twice.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0010_merge_kanban_index_problem_clock"),
        ("pipeline", "0009_project_opportunity"),
    ]

    operations = []
