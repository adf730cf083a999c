"""The clock start of each problem's deadline, kept so the deadline can be counted again
when the office enters a year's holidays (common/deadlines.py). Existing problems take
the day of their latest raise, escalation or reopening, the day their deadline was
counted from."""

from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    Problem = apps.get_model("pipeline", "Problem")
    ProblemStep = apps.get_model("pipeline", "ProblemStep")
    for problem in Problem.objects.filter(deadline_started_on__isnull=True).iterator():
        step = (
            ProblemStep.objects.filter(problem=problem, kind__in=["raise", "escalate", "reopen"])
            .order_by("-at", "-id")
            .first()
        )
        at = step.at if step is not None else problem.created_at
        Problem.objects.filter(pk=problem.pk).update(
            deadline_started_on=timezone.localtime(at).date()
        )


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0008_merge_20261208_0320")]

    operations = [
        migrations.AddField(
            model_name="problem",
            name="deadline_started_on",
            field=models.DateField(null=True, verbose_name="期限起算日"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
