"""Existing data keeps working under the new rules: a confidential address gets the organisation that
manages it (the one it was first disclosed to); addresses reported by a shelter become confidential and
managed by that shelter; a signal whose routing postcode came from such an address forgets it, and its
routing reasons lose the postcode."""

import re

from django.db import migrations


def forward(apps, schema_editor):
    Address = apps.get_model("households", "Address")
    AddressDisclosure = apps.get_model("households", "AddressDisclosure")
    Signal = apps.get_model("signals", "Signal")
    SignalPerson = apps.get_model("signals", "SignalPerson")
    Activation = apps.get_model("signals", "Activation")

    for address in Address.objects.filter(confidential=True, managed_by__isnull=True):
        first = AddressDisclosure.objects.filter(address=address).order_by("granted_at", "pk").first()
        if first is not None:
            Address.objects.filter(pk=address.pk).update(managed_by_id=first.organisation_id)

    for sp in SignalPerson.objects.filter(signal__source_organisation__kind="shelter").exclude(postcode=""):
        SignalPerson.objects.filter(pk=sp.pk).update(address_confidential=True)
        if sp.person_id is None:
            continue
        signal = Signal.objects.get(pk=sp.signal_id)
        for address in Address.objects.filter(
            person_id=sp.person_id, postcode=sp.postcode, house_number=sp.house_number.strip()
        ):
            managed = address.managed_by_id or signal.source_organisation_id
            Address.objects.filter(pk=address.pk).update(confidential=True, managed_by_id=managed)
            AddressDisclosure.objects.get_or_create(
                address_id=address.pk,
                organisation_id=signal.source_organisation_id,
                defaults={"basis": f"Opvangadres uit melding {signal.reference}"},
            )

    secret = re.compile(r"\s*\(postcode \d{4}\)")
    for signal in Signal.objects.exclude(postcode=""):
        hidden = {
            p[:4]
            for p in Address.objects.filter(
                confidential=True, person__signal_mentions__signal=signal
            ).values_list("postcode", flat=True)
            if p
        }
        from_shelter = Signal.objects.filter(pk=signal.pk, source_organisation__kind="shelter").exists()
        if signal.postcode[:4] in hidden or from_shelter:
            Signal.objects.filter(pk=signal.pk).update(postcode="")
            for activation in Activation.objects.filter(signal=signal):
                Activation.objects.filter(pk=activation.pk).update(reason=secret.sub("", activation.reason))


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0006_address_managed_by_addressdisclosure_revoked_at_and_more"),
        ("signals", "0003_signalperson_address_confidential_and_more"),
        ("network", "0002_shelteraddress"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
