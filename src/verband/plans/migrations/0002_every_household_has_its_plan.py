from django.db import migrations


def every_household_has_its_plan(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    FamilyPlan = apps.get_model("plans", "FamilyPlan")
    without = Household.objects.filter(plan__isnull=True).values_list("pk", flat=True)
    FamilyPlan.objects.bulk_create(
        [FamilyPlan(household_id=pk) for pk in without.iterator()], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("households", "0007_confidential_addresses_for_real"),
    ]

    operations = [migrations.RunPython(every_household_has_its_plan, migrations.RunPython.noop)]
