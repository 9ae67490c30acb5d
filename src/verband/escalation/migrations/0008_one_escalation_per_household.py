"""Activations not taken up, safety assessments not recorded and first contacts not recorded now stall the
household as a whole (one escalation per household and kind, subject "household"). Existing escalations
of those kinds are re-keyed: per household and kind the oldest open one stays open (with the recipients,
owners and parties of the others), the other open ones close as merged into it; closed ones get the
household as subject, so a decision's quiet keeps applying to the new per-household stall."""

from collections import defaultdict

from django.db import migrations
from django.utils import timezone

GROUPED = ("signal_not_accepted", "assessment_late", "first_contact_late")


def per_household(apps, schema_editor):
    Escalation = apps.get_model("escalation", "Escalation")
    Recipient = apps.get_model("escalation", "EscalationRecipient")
    rows = Escalation.objects.filter(kind__in=GROUPED, household_id__isnull=False).exclude(
        subject_type="household"
    )
    groups = defaultdict(list)
    for e in rows.filter(status__in=("open", "listed")).order_by("pk"):
        groups[(e.kind, e.household_id)].append(e)
    merged = 0
    for (_kind, household_id), group in groups.items():
        keep, others = group[0], group[1:]
        for other in others:
            Recipient.objects.bulk_create(
                [
                    Recipient(escalation_id=keep.pk, membership_id=r.membership_id, step=r.step)
                    for r in Recipient.objects.filter(escalation_id=other.pk)
                ],
                ignore_conflicts=True,
            )
            keep.owners.add(*other.owners.all())
            keep.parties.add(*other.parties.all())
            Escalation.objects.filter(pk=other.pk).update(
                status="cleared",
                closed_at=timezone.now(),
                decision=f"Samengevoegd met escalatie {keep.pk}: één escalatie per huishouden.",
                subject_type="household",
                subject_id=household_id,
            )
            merged += 1
        Escalation.objects.filter(pk=keep.pk).update(subject_type="household", subject_id=household_id)
    for e in rows.exclude(status__in=("open", "listed")).only("pk", "household_id"):
        Escalation.objects.filter(pk=e.pk).update(subject_type="household", subject_id=e.household_id)
    if merged:
        print(f"  {merged} escalation(s) merged into one per household")


class Migration(migrations.Migration):
    dependencies = [("escalation", "0007_concrete_decisions")]

    operations = [migrations.RunPython(per_household, migrations.RunPython.noop)]
