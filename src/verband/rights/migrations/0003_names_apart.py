from django.db import migrations


def names_apart(apps, schema_editor):
    """Requests recorded before: a request through a representative who was not named says so, and the
    organisation in "Name (Organisation)" moves out of the name (the page shows it only to whom may read
    it)."""
    RightsRequest = apps.get_model("rights", "RightsRequest")
    Organisation = apps.get_model("network", "Organisation")
    RightsRequest.objects.filter(how_received="representative", representative="").update(
        representative="(niet vastgelegd)"
    )
    for request in RightsRequest.objects.select_related("organisation", "household"):
        changed = []
        suffix = f" ({request.organisation.name})"
        if request.recorded_by_name.endswith(suffix):
            request.recorded_by_name = request.recorded_by_name[: -len(suffix)]
            changed.append("recorded_by_name")
        name = request.decided_by_name
        if name.endswith(")") and " (" in name:
            person, organisation = name[:-1].rsplit(" (", 1)
            found = Organisation.objects.filter(
                region_id=request.household.region_id, name=organisation
            ).first()
            if found is not None:
                request.decided_by_name = person
                request.decided_by_organisation = found
                changed += ["decided_by_name", "decided_by_organisation"]
        if changed:
            request.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("rights", "0002_representative_and_released_addresses")]

    operations = [migrations.RunPython(names_apart, migrations.RunPython.noop)]
