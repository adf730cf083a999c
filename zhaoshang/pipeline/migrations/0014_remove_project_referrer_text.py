from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0013_referrers_into_registry")]

    operations = [
        migrations.RemoveField(model_name="project", name="referrer_kind"),
        migrations.RemoveField(model_name="project", name="referrer_name"),
    ]
