from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rights", "0003_names_apart")]

    operations = [
        migrations.AddConstraint(
            model_name="rightsrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("how_received", "representative"), _negated=True),
                    models.Q(("representative", ""), _negated=True),
                    _connector="OR",
                ),
                name="rights_representative_named",
            ),
        ),
    ]
