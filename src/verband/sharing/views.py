"""The privacy officer's view of the access log: who looked at whose data, and whether the chain is
intact."""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from verband.actors import Actor
from verband.households.models import Household
from verband.network.models import Organisation, Role
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record, verify_chain, write_checkpoint
from verband.sharing.decorators import role_required
from verband.sharing.models import (
    ACTION_LABELS,
    ACTOR_ROLE_LABELS,
    OBJECT_LABELS,
    AccessLogEntry,
    AccessLogQuerySet,
    AccessLogSubject,
    Judgement,
    basis_label,
)
from verband.text import plain_id, spreadsheet_cell


def _plausible_date(value: date) -> None:
    # Extreme dates overflow when combined with a time zone; the log starts long after 2000.
    if not date(2000, 1, 1) <= value <= date(2999, 12, 31):
        raise forms.ValidationError(_("Enter a date between 1 January 2000 and 31 December 2999."))


class LogFilterForm(forms.Form):
    household = forms.CharField(label=_("Household reference"), required=False, max_length=20)
    person = forms.IntegerField(label=_("Person number"), required=False, min_value=1, max_value=2**62)
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[_plausible_date],
    )
    date_to = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[_plausible_date],
    )
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("every entry")),
            ("denied", _("refusals only")),
            ("emergency", _("emergency access only")),
            ("grants", _("granting of access only (accounts, roles, tokens)")),
        ],
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


def whose_data(entry: AccessLogEntry, references: dict[int, str]) -> list[tuple[str, list[int]]]:
    """Whose data an entry is about, per household: (reference, the person ids) — its own subject, or
    the subjects it lists, in order."""
    pairs = [(s.household_id, s.person_id) for s in entry.subjects.all()] or [
        (entry.subject_household_id, entry.subject_person_id)
    ]
    grouped: dict[int | None, list[int]] = {}
    for household_id, person_id in pairs:
        persons = grouped.setdefault(household_id, [])
        if person_id is not None and person_id not in persons:
            persons.append(person_id)
    return [(references.get(h, "") if h else "", persons) for h, persons in grouped.items() if h or persons]


@role_required(Role.PRIVACY_OFFICER)
@require_http_methods(["GET", "POST"])
def access_log_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    form = LogFilterForm(request.GET or None)
    entries = of_region(actor).order_by("-pk")
    household = None
    if form.is_valid():
        data = form.cleaned_data
        if data["household"]:
            household = Household.objects.filter(
                reference=data["household"].strip(), region_id=_region_of(actor)
            ).first()
            entries = entries.about(household_id=household.pk if household else -1)
        if data["person"]:
            entries = entries.about(person_id=data["person"])
        if data["username"]:
            entries = entries.filter(username=data["username"].strip())
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
        if data["date_to"]:
            entries = entries.filter(at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
        entries = _of_kind(entries, data["kind"])
    if request.GET.get("export") == "csv" and request.method == "GET" and form.is_valid():
        # Only a valid filter exports: a filter with an error never widens into the whole log.
        return _export(actor, entries, household, request.GET.urlencode())
    verification = verify_chain() if request.method == "POST" else None
    if verification is not None and verification.ok:
        write_checkpoint()
    listed = Prefetch("subjects", queryset=AccessLogSubject.objects.order_by("position"))
    page = Paginator(entries.prefetch_related(listed), 50).get_page(request.GET.get("pagina"))
    household_ids = {e.subject_household_id for e in page if e.subject_household_id}
    household_ids |= {s.household_id for e in page for s in e.subjects.all() if s.household_id}
    references = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "reference"))
    roles = {**dict(Role.choices), **ACTOR_ROLE_LABELS}
    for entry in page:
        _label(entry, references, roles)
    record(
        actor,
        action="verify" if verification else "view",
        object_type="access_log",
        household_id=household.pk if household else None,
    )
    return render(
        request,
        "sharing/access_log.html",
        {"form": form, "page": page, "verification": verification},
    )


def _region_of(actor: Actor) -> int:
    return actor.organisation.region_id if actor.organisation is not None else 0  # no region: nothing


def of_region(actor: Actor) -> AccessLogQuerySet:
    """The entries a privacy officer oversees: those by people or systems of their region's organisations,
    and those about their region's households — not another region's."""
    region = _region_of(actor)
    organisations = Organisation.objects.filter(region_id=region).values("pk")
    households = Household.objects.filter(region_id=region).values("pk")
    listed = AccessLogSubject.objects.filter(household_id__in=households).values("entry_id")
    return AccessLogEntry.objects.filter(
        Q(organisation_id__in=organisations) | Q(subject_household_id__in=households) | Q(pk__in=listed)
    )


def _of_kind(entries: AccessLogQuerySet, kind: str) -> AccessLogQuerySet:
    if kind == "denied":
        return entries.filter(outcome="denied")
    if kind == "emergency":
        return entries.filter(
            Q(object_type="emergency_access") | Q(action="emergency") | Q(basis__contains=":emergency:")
        )
    if kind == "grants":
        return entries.filter(object_type__in=["user", "membership", "api_token", "shelter_address"])
    return entries


def _label(entry: AccessLogEntry, references: dict[int, str], roles: dict[str, Any]) -> None:
    entry.household_reference = references.get(entry.subject_household_id or 0, "")  # type: ignore[attr-defined]
    entry.whose = whose_data(entry, references)  # type: ignore[attr-defined]
    entry.role_label = roles.get(entry.role, entry.role)  # type: ignore[attr-defined]
    entry.action_label = ACTION_LABELS.get(entry.action, entry.action)  # type: ignore[attr-defined]
    entry.object_label = OBJECT_LABELS.get(entry.object_type, entry.object_type)  # type: ignore[attr-defined]
    entry.basis_label = basis_label(entry.basis)  # type: ignore[attr-defined]


EXPORT_LIMIT = 100_000


def _export(
    actor: Actor, entries: QuerySet[AccessLogEntry], household: Household | None, query: str
) -> HttpResponse:
    """The filtered entries as CSV (Dutch column names, labels in words), for a complaint or an
    inspection; the export is itself logged."""
    listed = Prefetch("subjects", queryset=AccessLogSubject.objects.order_by("position"))
    rows = list(entries.prefetch_related(listed)[:EXPORT_LIMIT])
    household_ids = {e.subject_household_id for e in rows if e.subject_household_id}
    household_ids |= {s.household_id for e in rows for s in e.subjects.all() if s.household_id}
    references = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "reference"))
    roles = {**dict(Role.choices), **ACTOR_ROLE_LABELS}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="toegangslog-uittreksel.csv"'
    response.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [str(h) for h in (_("Number"), _("When"), _("Who"), _("For"), _("Role"), _("Action"), _("Object"),
                          _("Whose data"), _("Basis"), _("Outcome"), _("Client address"), _("Channel"))]
    )  # fmt: skip
    for entry in rows:
        _label(entry, references, roles)
        whose = " / ".join(
            f"{reference or '—'}" + (f" {_('person')} {', '.join(map(str, persons))}" if persons else "")
            for reference, persons in entry.whose  # type: ignore[attr-defined]
        )
        writer.writerow(
            [
                entry.pk,
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                spreadsheet_cell(
                    entry.username or (f"API token {entry.token_id}" if entry.token_id else "Verband")
                ),
                spreadsheet_cell(entry.organisation_name),
                entry.role_label,  # type: ignore[attr-defined]
                entry.action_label,  # type: ignore[attr-defined]
                spreadsheet_cell(f"{entry.object_label} {entry.object_id}".strip()),  # type: ignore[attr-defined]
                whose,
                spreadsheet_cell(str(entry.basis_label)),  # type: ignore[attr-defined]
                entry.get_outcome_display(),
                entry.ip_address or "",
                entry.get_channel_display(),
            ]
        )
    record(
        actor,
        action="export",
        object_type="access_log",
        object_id=query[:60],
        household_id=household.pk if household else None,
    )
    return response


@role_required(Role.PRIVACY_OFFICER)
@require_http_methods(["GET", "POST"])
def emergency_review_view(request: HttpRequest) -> HttpResponse:
    """The privacy officer's review list of emergency accesses: each stays here until judged justified or
    not, with a note. Reading the list is logged per household."""
    from verband.collaboration.emergency import judge, to_review
    from verband.sharing.accesslog import Subject, record_many

    actor = actor_for_request(request)
    accesses = to_review(actor)
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        pk = plain_id(request.POST.get("access"))
        access = accesses.filter(pk=pk).first() if pk is not None else None
        if access is None:
            record(
                actor,
                action="judge",
                object_type="emergency_access",
                object_id=str(pk or ""),
                outcome="denied",
            )
            raise Http404
        try:
            judge(actor, access, request.POST.get("judgement", ""), request.POST.get("note", ""))
        except ValidationError as exc:
            errors[access.pk] = exc.messages
        else:
            messages.success(request, _("Your judgement is recorded."))
            return redirect("sharing:emergency_review")
    page = Paginator(accesses, 25).get_page(request.GET.get("pagina"))
    shown = list(page)
    for access in shown:
        access.errors = errors.get(access.pk, [])  # type: ignore[attr-defined]
    record_many(
        actor,
        action="list",
        object_type="emergency_access",
        subjects=[Subject(a.involvement.household_id) for a in shown] or [Subject()],
        basis="review",
    )
    return render(
        request,
        "sharing/emergency_review.html",
        {
            "page": page,
            "accesses": shown,
            "draft": request.POST if errors else {},
            "judgements": Judgement.choices,
        },
        status=400 if errors else 200,
    )


def _receivers(bases: list[Any]) -> dict[int, int]:
    """Set `receiver` on each basis: to whom it shared (the party taking up or asked, the organisation an
    address was disclosed to, the member an item was shown to). Returns the members shown, per basis."""
    from verband.collaboration.models import Handover
    from verband.households.models import AddressDecision
    from verband.sharing.models import Involvement
    from verband.shielding.models import ShieldDecision

    def ids(kind: str) -> list[int]:
        return [b.subject_id for b in bases if b.kind == kind and b.subject_id]

    found: dict[str, dict[int, str]] = {
        "take_up": {i.pk: str(i.party) for i in Involvement.objects.filter(pk__in=ids("take_up"))
                    .select_related("team__organisation", "network", "organisation")},
        "handover": {h.pk: f"{h.to_team.name} ({h.to_team.organisation})" for h in
                     Handover.objects.filter(pk__in=ids("handover")).select_related("to_team__organisation")},
        "address_disclosure": {d.pk: str(d.organisation) for d in
                               AddressDecision.objects.filter(pk__in=ids("address_disclosure"))
                               .select_related("organisation")},
    }  # fmt: skip
    lifts = {
        d.pk: d for d in ShieldDecision.objects.filter(pk__in=ids("shield_lift")).select_related("person")
    }
    members: dict[int, int] = {}
    for b in bases:
        if b.kind == "shield_lift" and b.subject_id in lifts:
            lift = lifts[b.subject_id]
            b.receiver = lift.person.full_name
            members[b.pk] = lift.person_id
        else:
            b.receiver = found.get(b.kind, {}).get(b.subject_id or 0, "")
    return members


# The disclosure list's filters in the address bar: basis, kind of act, household reference.
FILTERS = ("grondslag", "soort", "huishouden")


@role_required(Role.PRIVACY_OFFICER)
@require_http_methods(["GET"])
def disclosures_view(request: HttpRequest) -> HttpResponse:
    """The privacy officer's list of what was shared on which basis in their region: every act of sharing
    with the basis chosen (and the one proposed), the consent it rests on, and the five questions answered
    when it does not rest on consent. Filters: basis, kind of act, household; without consent only."""
    from verband.sharing.accesslog import Subject, record_many
    from verband.sharing.models import LegalBasis, SharingBasis, SharingKind

    actor = actor_for_request(request)
    bases = (
        SharingBasis.objects.filter(household__region_id=_region_of(actor))
        .select_related("household", "consent__person", "chosen_by", "chosen_by_organisation")
        .order_by("-chosen_at", "-pk")
    )
    chosen = {
        "basis": request.GET.get(FILTERS[0], ""),
        "kind": request.GET.get(FILTERS[1], ""),
        "household": (request.GET.get(FILTERS[2], "") or "").strip()[:40],
    }
    if chosen["basis"] in LegalBasis.values:
        bases = bases.filter(legal_basis=chosen["basis"])
    elif chosen["basis"] == "zonder-toestemming":
        bases = bases.exclude(legal_basis=LegalBasis.CONSENT)
    if chosen["kind"] in SharingKind.values:
        bases = bases.filter(kind=chosen["kind"])
    if chosen["household"]:
        bases = bases.filter(household__reference=chosen["household"].upper())
    page = Paginator(bases, 25).get_page(request.GET.get("pagina"))
    shown = list(page)
    lifted_for = _receivers(shown)
    subjects = [Subject(b.household_id) for b in shown]
    subjects += [Subject(b.household_id, b.consent.person_id) for b in shown if b.consent is not None]
    subjects += [Subject(b.household_id, pid) for b in shown if (pid := lifted_for.get(b.pk))]
    record_many(
        actor, action="list", object_type="sharing_basis", subjects=subjects or [Subject()], basis="review"
    )
    return render(
        request,
        "sharing/disclosures.html",
        {
            "page": page,
            "bases": shown,
            "chosen": chosen,
            "legal_bases": LegalBasis.choices,
            "kinds": SharingKind.choices,
            "query": urlencode([(k, v) for k, v in zip(FILTERS, chosen.values(), strict=True) if v]),
        },
    )
