"""Every involvement keeps the kind of organisation of its party from when it started (a network's: the
kinds of its organisations), so that changing an organisation's kind later never shortens a household's
retention period. Involvements made before get the kinds their party has now: the best there is."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def keep_kinds(apps, schema_editor):
    Involvement = apps.get_model("sharing", "Involvement")
    Organisation = apps.get_model("network", "Organisation")
    Network = apps.get_model("network", "Network")
    Involvement.objects.filter(organisation__isnull=False, organisation_kind="").update(
        organisation_kind=Subquery(
            Organisation.objects.filter(pk=OuterRef("organisation_id")).values("kind")[:1]
        )
    )
    through = Network.organisations.through
    for network_id in (
        Involvement.objects.filter(network__isnull=False).values_list("network_id", flat=True).distinct()
    ):
        kinds = sorted(
            set(through.objects.filter(network_id=network_id).values_list("organisation__kind", flat=True))
        )
        Involvement.objects.filter(network_id=network_id, network_kinds=[]).update(network_kinds=kinds)


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0011_consent_and_sharing_basis"),
        ("network", "0005_four_eyes"),
    ]

    operations = [
        migrations.AddField(
            model_name="involvement",
            name="network_kinds",
            field=models.JSONField(
                blank=True, default=list, verbose_name="kinds of the network's organisations then"
            ),
        ),
        migrations.AddField(
            model_name="involvement",
            name="organisation_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("reporting_centre", "Reporting centre (Veilig Thuis)"),
                    ("neighbourhood_team", "Neighbourhood team"),
                    ("dv_centre", "Domestic violence centre"),
                    ("youth_care", "Youth care"),
                    ("youth_protection", "Youth protection"),
                    ("crisis_team", "Crisis team"),
                    ("shelter", "Shelter"),
                    ("mental_health", "Mental health care"),
                    ("forensic_mental_health", "Forensic mental health care"),
                    ("addiction_care", "Addiction care"),
                    ("police", "Police"),
                    ("probation", "Probation service"),
                    ("public_prosecution", "Public prosecution"),
                    ("safety_house", "Safety house"),
                    ("municipality", "Municipality"),
                    ("access_desk", "Access desk"),
                    ("school", "School"),
                    ("other", "Other partner or reporter"),
                ],
                max_length=40,
                verbose_name="kind of organisation then",
            ),
        ),
        migrations.RunPython(keep_kinds, migrations.RunPython.noop),
    ]
