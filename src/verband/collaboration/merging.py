"""Merging what turned out to be the same, and splitting a wrong link (issue 14, item 9).

- Two households that are the same family (a repeat report that was not recognised started a second
  one): everything of the one merged in — members, signals, activations, timeline, involvements,
  assessments, help, consents — moves to the one kept, which then holds the whole history. The other
  is closed, empty.
- Two persons in a household who are the same person (a report spelled her otherwise): every row of the
  one merged in (memberships, relations, addresses, signal mentions, scores, consents) moves to the one
  kept; the other keeps no blocking keys, so recognition never finds them again.
- A member linked to the wrong household is split off to a household of their own, with the signals that
  are only about them.

Who: a case worker who sees the household (or both households) whole, and either works at the
reporting centre (which triages every report and confirms recognition) or is the household's regisseur.
Each needs a reason, asks for confirmation on its page, is logged (access log and timeline) and can be
undone: what was moved is listed on the `Merge` row and moved back. A merge that two current things of
the same kind would collide on (two family plans, two current regisseurs, the same pending handover) is
refused with what blocks it: settle that first. Nothing here looks up a household the actor may not see:
the other household is named by its reference, and one not visible is "not found" (logged denied)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.actors import Actor
from verband.households import matching
from verband.households import services as households
from verband.households.models import (
    HOUSEHOLD_FLOW,
    EventKind,
    Household,
    HouseholdMember,
    HouseholdStatus,
    Merge,
    MergeKind,
    Person,
    PersonKey,
    Relation,
)
from verband.network.models import ACTING_ROLES
from verband.plans.models import FamilyPlan
from verband.plans.regie import current_regie
from verband.sharing.access import can_see_household
from verband.sharing.accesslog import Subject, record_many
from verband.shielding.scope import involvement_members
from verband.signals.models import Activation, Signal, SignalPerson
from verband.signals.selectors import may_triage
from verband.text import refuse_nul


def may_merge(actor: Actor, household: Household) -> bool:
    """Reporting centre staff, or the household's regisseur, who see the household whole."""
    membership = actor.membership
    if membership is None or membership.role not in ACTING_ROLES or actor.user is None:
        return False
    if not can_see_household(actor, household) or not involvement_members(actor, household)[0]:
        return False
    return allowed(actor, whole=True, regie=current_regie(household))


def allowed(actor: Actor, *, whole: bool, regie: Any) -> bool:
    """`may_merge` from what a page read already: whether the actor sees the household whole, and its
    current regie (or None)."""
    membership = actor.membership
    if membership is None or membership.role not in ACTING_ROLES or actor.user is None or not whole:
        return False
    return may_triage(actor) or (regie is not None and regie.user_id == actor.user.pk)


def _reason(reason: str) -> str:
    refuse_nul(reason)
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(_("Explain in a sentence why."))
    if len(reason) > 2000:
        raise ValidationError(_("At most 2000 characters."))
    return reason


def _relations(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    """Every foreign key (or one-to-one) of any app that points to `model`, except the merge records."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if isinstance(f, models.ForeignObjectRel)
        and not f.many_to_many
        and f.related_model is not Merge
        and f.related_model is not PersonKey
    ]


def _row(obj: models.Model) -> dict[str, Any]:
    return {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields}


def _remove(objs: Sequence[models.Model], removed: list) -> None:
    """Delete rows that became duplicates, keeping their values to make them again on undo."""
    for obj in objs:
        removed.append([obj._meta.label, _row(obj)])
        obj.delete()


def _move_all(model: type[models.Model], old: int, new: int) -> list:
    """Point every row of every app that refers to `old` to `new`; returns what moved. A unique rule that
    the move would break refuses it, naming what blocks."""
    moved = []
    for rel in _relations(model):
        related = rel.related_model
        name = rel.field.name
        rows = related._default_manager.filter(**{name: old})  # type: ignore[union-attr]
        pks = list(rows.values_list("pk", flat=True))
        if not pks:
            continue
        try:
            with transaction.atomic():
                related._default_manager.filter(pk__in=pks).update(**{name: new})  # type: ignore[union-attr]
        except IntegrityError:
            raise ValidationError(
                _("These cannot be merged as they are: both have %(what)s. Settle that first.")
                % {"what": related._meta.verbose_name_plural}  # type: ignore[union-attr]
            ) from None
        moved.append([related._meta.label, name, pks])  # type: ignore[union-attr]
    return moved


def _move_back(moved: list, to: int) -> None:
    for label, name, pks in moved:
        apps.get_model(label)._default_manager.filter(pk__in=pks).update(**{name: to})


def _make_again(removed: list) -> None:
    for label, values in removed:
        model = apps.get_model(label)
        if not model._default_manager.filter(pk=values["id"]).exists():
            model._default_manager.create(**values)


def merge_households(actor: Actor, kept: Household, other: Household, reason: str) -> Merge:
    """Merge `other` into `kept` (see the module). Both must be open to the actor as `may_merge` says."""
    reason = _reason(reason)
    if kept.pk == other.pk:
        raise ValidationError(_("Choose another household than this one."))
    if kept.region_id != other.region_id:
        raise ValidationError(_("Only households of the same region can be merged."))
    if not (may_merge(actor, kept) and may_merge(actor, other)):
        raise ValidationError(_("You may not merge these households."))
    with transaction.atomic():
        locked = {h.pk: h for h in Household.objects.select_for_update().filter(pk__in=[kept.pk, other.pk])}
        previous = locked[other.pk].status
        removed: list = []
        # A member of both (the same person in the same role) stays once.
        _remove(
            [
                m
                for m in HouseholdMember.objects.filter(household=other)
                if HouseholdMember.objects.filter(household=kept, person_id=m.person_id, role=m.role).exists()
            ],
            removed,
        )
        # Every household has a family plan: one never saved gives way to the other.
        plans = {p.household_id: p for p in FamilyPlan.objects.filter(household__in=[kept.pk, other.pk])}
        if len(plans) == 2:
            empty = plans[other.pk] if plans[other.pk].version == 0 else plans[kept.pk]
            if empty.version == 0:
                _remove([empty], removed)
        moved = _move_all(Household, other.pk, kept.pk)
        if previous == HouseholdStatus.ACTIVE:
            other.status = previous
            HOUSEHOLD_FLOW.move(
                other,
                HouseholdStatus.CLOSED,
                stale=_("The household changed in the meantime."),
                closed_at=timezone.now(),
            )
        if locked[kept.pk].status == HouseholdStatus.CLOSED:
            kept.status = HouseholdStatus.CLOSED
            HOUSEHOLD_FLOW.move(
                kept,
                HouseholdStatus.ACTIVE,
                stale=_("The household changed in the meantime."),
                closed_at=None,
            )
        merge = Merge.objects.create(
            kind=MergeKind.HOUSEHOLDS, household=kept, other_household=other, reason=reason, moved=moved,
            removed=removed, previous_status=previous, made_by=actor.user,
        )  # fmt: skip
        _tell(
            actor,
            kept,
            _("Household %(other)s merged into this one: %(reason)s")
            % {"other": other.reference, "reason": reason},
            "merge",
            [Subject(kept.pk), Subject(other.pk)],
        )
        _tell(actor, other, _("Merged into household %(kept)s.") % {"kept": kept.reference}, None, [])
    return merge


def merge_persons(actor: Actor, household: Household, kept: Person, other: Person, reason: str) -> Merge:
    """Merge `other` into `kept`, two members of `household` (see the module)."""
    reason = _reason(reason)
    if kept.pk == other.pk:
        raise ValidationError(_("Choose two different persons."))
    if not may_merge(actor, household):
        raise ValidationError(_("You may not merge persons in this household."))
    members = set(HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True))
    if not {kept.pk, other.pk} <= members:
        raise ValidationError(_("Choose two members of this household."))
    if kept.bsn and other.bsn and kept.bsn != other.bsn:
        raise ValidationError(_("These two have different BSNs: they are not the same person."))
    with transaction.atomic():
        people = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, other.pk])}
        kept, other = people[kept.pk], people[other.pk]
        removed: list = []
        _remove(
            [
                m
                for m in HouseholdMember.objects.filter(person=other)
                if HouseholdMember.objects.filter(
                    household_id=m.household_id, person=kept, role=m.role
                ).exists()
            ],
            removed,
        )
        # A relation between the two goes; one the kept person has already stays once.
        between = list(
            Relation.objects.filter(person=other, other=kept)
            | Relation.objects.filter(person=kept, other=other)
        )
        _remove(between, removed)
        twice = [
            r
            for r in Relation.objects.filter(person=other)
            if Relation.objects.filter(person=kept, other_id=r.other_id, kind=r.kind).exists()
        ] + [
            r
            for r in Relation.objects.filter(other=other)
            if Relation.objects.filter(person_id=r.person_id, other=kept, kind=r.kind).exists()
        ]
        _remove(twice, removed)
        bsn = ""
        if other.bsn and not kept.bsn:
            bsn = other.bsn
            Person.objects.filter(pk=other.pk).update(bsn="")
            Person.objects.filter(pk=kept.pk).update(bsn=bsn)
            removed.append(["bsn", {"id": other.pk, "bsn": bsn}])
        moved = _move_all(Person, other.pk, kept.pk)
        PersonKey.objects.filter(person=other).delete()  # never found by recognition again
        matching.index_person(Person.objects.prefetch_related("addresses").get(pk=kept.pk))
        merge = Merge.objects.create(
            kind=MergeKind.PERSONS, household=household, person=kept, other_person=other, reason=reason,
            moved=moved, removed=removed, made_by=actor.user,
        )  # fmt: skip
        _tell(
            actor,
            household,
            _("Two persons merged into one (%(name)s): %(reason)s")
            % {"name": kept.full_name, "reason": reason},
            "merge",
            [Subject(household.pk, kept.pk), Subject(household.pk, other.pk)],
            object_type="person",
        )
    return merge


def split_member(actor: Actor, household: Household, person: Person, reason: str) -> Merge:
    """Move `person` out of `household` to a household of their own, with the signals that link no one
    else of it (see the module)."""
    reason = _reason(reason)
    if not may_merge(actor, household):
        raise ValidationError(_("You may not split this household."))
    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=household.pk).first()
        rows = list(HouseholdMember.objects.filter(household=household, person=person))
        if not rows:
            raise ValidationError(_("Choose a member of this household."))
        others = HouseholdMember.objects.filter(household=household).exclude(person=person)
        if not others.exists():
            raise ValidationError(_("This is the only member of the household: there is nothing to split."))
        new = households.new_household(household.region)
        moved = [["households.HouseholdMember", "household", [m.pk for m in rows]]]
        HouseholdMember.objects.filter(pk__in=[m.pk for m in rows]).update(household=new)
        # Signals about this person only go with them (with their activations and timeline lines).
        linked: dict[int, set[int]] = {}
        for signal_id, person_id in SignalPerson.objects.filter(
            signal__household=household, person__isnull=False
        ).values_list("signal_id", "person_id"):
            linked.setdefault(signal_id, set()).add(person_id)
        only = [sid for sid, people in linked.items() if people == {person.pk}]
        if only:
            from verband.households.models import HouseholdEvent

            for model, name in (
                (Signal, "pk__in"),
                (Activation, "signal_id__in"),
                (HouseholdEvent, "signal_id__in"),
            ):
                pks = list(
                    model._default_manager.filter(household=household, **{name: only}).values_list(
                        "pk", flat=True
                    )
                )
                model._default_manager.filter(pk__in=pks).update(household=new)
                moved.append([model._meta.label, "household", pks])
        merge = Merge.objects.create(
            kind=MergeKind.SPLIT, household=household, other_household=new, person=person, reason=reason,
            moved=moved, made_by=actor.user,
        )  # fmt: skip
        _tell(
            actor,
            household,
            _("%(name)s split off to a household of their own: %(reason)s")
            % {"name": person.full_name, "reason": reason},
            "split",
            [Subject(household.pk, person.pk), Subject(new.pk, person.pk)],
        )
        _tell(
            actor,
            new,
            _("Split off from household %(reference)s.") % {"reference": household.reference},
            None,
            [],
        )
    return merge


def undo(actor: Actor, merge: Merge) -> None:
    """Move back what the merge or split moved and make again what it removed."""
    if not may_merge(actor, merge.household):
        raise ValidationError(_("You may not undo this."))
    with transaction.atomic():
        locked = Merge.objects.select_for_update().get(pk=merge.pk)
        if locked.undone_at is not None:
            raise ValidationError(_("This was undone already."))
        if locked.kind == MergeKind.SPLIT:
            _move_back(locked.moved, locked.household_id)
            new = locked.other_household
            if new is not None and new.status == HouseholdStatus.ACTIVE:
                HOUSEHOLD_FLOW.move(new, HouseholdStatus.CLOSED, stale="", closed_at=timezone.now())
        elif locked.kind == MergeKind.HOUSEHOLDS:
            other = locked.other_household
            _move_back(locked.moved, other.pk)  # type: ignore[union-attr]
            _make_again(locked.removed)
            if locked.previous_status == HouseholdStatus.ACTIVE and other.status == HouseholdStatus.CLOSED:  # type: ignore[union-attr]
                HOUSEHOLD_FLOW.move(other, HouseholdStatus.ACTIVE, stale="", closed_at=None)  # type: ignore[arg-type]
        else:
            _move_back(locked.moved, locked.other_person_id)  # type: ignore[arg-type]
            for label, values in locked.removed:
                if label == "bsn":
                    Person.objects.filter(pk=locked.person_id or 0).update(bsn="")
                    Person.objects.filter(pk=values["id"]).update(bsn=values["bsn"])
            _make_again([r for r in locked.removed if r[0] != "bsn"])
            for person in Person.objects.prefetch_related("addresses").filter(
                pk__in=[locked.person_id, locked.other_person_id]
            ):
                matching.index_person(person)
        Merge.objects.filter(pk=locked.pk).update(undone_by=actor.user, undone_at=timezone.now())
        subjects = [Subject(locked.household_id)]
        if locked.other_household_id:
            subjects.append(Subject(locked.other_household_id))
        _tell(
            actor,
            locked.household,
            _("Undone: %(what)s of %(date)s.")
            % {"what": locked.get_kind_display(), "date": locked.made_at.strftime("%d-%m-%Y")},
            "undo_merge",
            subjects,
        )


def _tell(
    actor: Actor,
    household: Household,
    summary: str,
    action: str | None,
    subjects: list[Subject],
    *,
    object_type: str = "household",
) -> None:
    """The line on the timeline and (`action`) the access-log entry naming what was merged or split."""
    households.add_event(household, EventKind.MERGE, summary, actor=actor)
    if action is not None:
        record_many(
            actor, action=action, object_type=object_type, object_id=household.reference, subjects=subjects
        )


def history(household: Household) -> list[Merge]:
    """The merges and splits of this household (kept, split from, or made by a split)."""
    return list(
        Merge.objects.filter(
            models.Q(household=household) | models.Q(other_household=household)
        ).select_related("household", "other_household", "person", "other_person", "made_by")
    )
