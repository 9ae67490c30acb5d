"""Copy the JSON lists of owner memberships and party organisations into the new relations. An id that
no longer exists (a membership or organisation deleted since) cannot be related and is dropped; the
number dropped is printed."""

from django.db import migrations


def _ids(value: object) -> set[int]:
    if not isinstance(value, list):
        return set()
    return {v for v in value if isinstance(v, int) and not isinstance(v, bool)}


def copy(apps, schema_editor):  # type: ignore[no-untyped-def]
    Escalation = apps.get_model("escalation", "Escalation")
    Membership = apps.get_model("network", "Membership")
    Organisation = apps.get_model("network", "Organisation")
    rows = list(Escalation.objects.values_list("pk", "owner_ids", "party_ids"))
    wanted_m = set().union(*(_ids(o) for _pk, o, _p in rows)) if rows else set()
    wanted_o = set().union(*(_ids(p) for _pk, _o, p in rows)) if rows else set()
    memberships = set(Membership.objects.filter(pk__in=wanted_m).values_list("pk", flat=True))
    organisations = set(Organisation.objects.filter(pk__in=wanted_o).values_list("pk", flat=True))
    owners, parties, dropped = [], [], 0
    Owner = Escalation.owners.through
    Party = Escalation.parties.through
    for pk, owner_ids, party_ids in rows:
        for m in sorted(_ids(owner_ids)):
            if m in memberships:
                owners.append(Owner(escalation_id=pk, membership_id=m))
            else:
                dropped += 1
        for o in sorted(_ids(party_ids)):
            if o in organisations:
                parties.append(Party(escalation_id=pk, organisation_id=o))
            else:
                dropped += 1
    Owner.objects.bulk_create(owners, batch_size=1000)
    Party.objects.bulk_create(parties, batch_size=1000)
    if dropped:
        print(f"\n  escalation: {dropped} owner or party ids no longer exist and were dropped")  # noqa: T201


def back(apps, schema_editor):  # type: ignore[no-untyped-def]
    Escalation = apps.get_model("escalation", "Escalation")
    owners: dict[int, list[int]] = {}
    parties: dict[int, list[int]] = {}
    for pk, m in Escalation.owners.through.objects.values_list("escalation_id", "membership_id"):
        owners.setdefault(pk, []).append(m)
    for pk, o in Escalation.parties.through.objects.values_list("escalation_id", "organisation_id"):
        parties.setdefault(pk, []).append(o)
    for escalation in Escalation.objects.all():
        escalation.owner_ids = sorted(owners.get(escalation.pk, []))
        escalation.party_ids = sorted(parties.get(escalation.pk, []))
        escalation.save(update_fields=["owner_ids", "party_ids"])


class Migration(migrations.Migration):
    dependencies = [("escalation", "0002_owners_parties_relations")]

    operations = [migrations.RunPython(copy, back)]
