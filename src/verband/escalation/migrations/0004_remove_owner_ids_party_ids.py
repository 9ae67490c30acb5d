from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("escalation", "0003_copy_owners_parties")]

    operations = [
        migrations.RemoveField(model_name="escalation", name="owner_ids"),
        migrations.RemoveField(model_name="escalation", name="party_ids"),
    ]
