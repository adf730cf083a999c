import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("pipeline", "0011_merge_project_opportunity"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="referrer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="referrals",
                to="partners.partner",
                verbose_name="引荐方",
            ),
        ),
    ]
