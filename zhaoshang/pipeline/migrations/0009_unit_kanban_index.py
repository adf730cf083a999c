# A unit's kanban reads its counts and cards from one index (models/projects.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0008_merge_20261208_0320"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="project",
            name="project_stage_dept",
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["department", "stage", "-stage_changed_at", "-id"],
                name="project_dept_stage_moved",
            ),
        ),
    ]
