# The unit's robot address was edited on the unit form but never used: a unit's group
# robots are notifications.UnitWebhook (signed, tested, with delivery records).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_security_policy_address_lockout_robot_hosts"),
    ]

    operations = [
        migrations.RemoveField(model_name="department", name="webhook_url"),
    ]
