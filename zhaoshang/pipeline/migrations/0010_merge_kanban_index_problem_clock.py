# Joins two branches' migrations: the unit kanban index (speed) and the problems' clock
# start (aftercare's deadline engine). Neither touches the other's fields.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0009_problem_deadline_started_on"),
        ("pipeline", "0009_unit_kanban_index"),
    ]

    operations = []
