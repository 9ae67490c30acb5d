"""Escalation owners and parties become relations: the JSON lists of ids are renamed out of the way and
the many-to-many fields are added (their rows are copied in 0003, the old lists removed in 0004)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0001_initial"),
        ("network", "0003_shelter_postcode"),
    ]

    operations = [
        migrations.RenameField(model_name="escalation", old_name="owners", new_name="owner_ids"),
        migrations.RenameField(model_name="escalation", old_name="parties", new_name="party_ids"),
        migrations.AddField(
            model_name="escalation",
            name="owners",
            field=models.ManyToManyField(blank=True, related_name="+", to="network.membership"),
        ),
        migrations.AddField(
            model_name="escalation",
            name="parties",
            field=models.ManyToManyField(blank=True, related_name="+", to="network.organisation"),
        ),
    ]
