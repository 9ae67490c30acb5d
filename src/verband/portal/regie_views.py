"""The regisseur's side of the household's door, on the household page: invite a member (the code shown
once, and a letter to hand over), and stop an access at once."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.households.models import HouseholdMember
from verband.network.models import CASEWORK_ROLES
from verband.portal.forms import InviteForm
from verband.portal.models import MemberAccess
from verband.portal.services import cut_off, invite, is_regisseur, may_cut_off
from verband.sharing.access import actor_for_request, get_household_or_404
from verband.sharing.accesslog import record
from verband.sharing.decorators import role_required
from verband.text import plain_id

# The codes of this session's invitations, for their letters: a code is stored only as a hash, so the
# letter can be made only by the regisseur who just invited, in the same session.
LETTER_CODES = "portal_letter_codes"


def _back(reference: str) -> HttpResponse:
    return redirect(reverse("households:detail", args=[reference]) + "#thuis")


@role_required(*CASEWORK_ROLES)
@require_POST
def invite_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    if not is_regisseur(actor, household):
        # Refused before the member is looked up: the same answer for any number tried, so that a partner
        # working with one member does not learn who else belongs to the household.
        record(
            actor, action="create", object_type="member_access", household_id=household.pk, outcome="denied"
        )
        raise PermissionDenied
    form = InviteForm(request.POST)
    member = None
    if form.is_valid():
        member = (
            HouseholdMember.objects.filter(household=household, person_id=form.cleaned_data["person"])
            .select_related("person")
            .first()
        )
    if member is None:
        record(
            actor, action="create", object_type="member_access", household_id=household.pk, outcome="denied"
        )
        raise Http404
    try:
        access, code = invite(actor, household, member.person)  # PermissionDenied: not the regisseur
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(reference)
    codes = dict(request.session.get(LETTER_CODES, {}))
    codes[str(access.pk)] = code
    request.session[LETTER_CODES] = codes
    return render(
        request,
        "portal/regie_invited.html",
        {"household": household, "person": member.person, "access": access, "code": code},
    )


@role_required(*CASEWORK_ROLES)
def letter_view(request: HttpRequest, reference: str, access_id: int) -> HttpResponse:
    """The invitation letter as a PDF: the code and neutral instructions — no household, no name, no
    address, so that the letter tells nothing to whoever else finds it."""
    from weasyprint import HTML

    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference)
    access = MemberAccess.objects.filter(pk=access_id, household=household).first()
    code = request.session.get(LETTER_CODES, {}).get(str(access_id))
    if access is None or code is None or not access.redeemable:
        record(
            actor, action="download", object_type="invitation_letter", object_id=str(access_id),
            household_id=household.pk, outcome="denied",
        )  # fmt: skip
        raise Http404
    html = render_to_string(
        "portal/letter_pdf.html",
        {
            "code": code,
            "until": access.code_expires_at,
            "address": settings.BASE_URL + reverse("portal:redeem"),
        },
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    record(
        actor, action="download", object_type="invitation_letter", object_id=str(access.pk),
        household_id=household.pk, person_id=access.person_id,
    )  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="uitnodiging.pdf"'
    return response


@role_required(*CASEWORK_ROLES)
@require_POST
def cut_off_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, _basis = get_household_or_404(actor, reference, action="update")
    if not may_cut_off(actor, household):
        # Refused before the access is looked up: the same answer for any number tried, so that a partner
        # working with one member does not learn that another member has a door of her own.
        record(
            actor, action="revoke", object_type="member_access", household_id=household.pk, outcome="denied"
        )
        raise PermissionDenied
    wanted = plain_id(request.POST.get("access", ""))
    access = (
        MemberAccess.objects.filter(pk=wanted, household=household).select_related("household").first()
        if wanted is not None
        else None
    )
    if access is None:
        record(
            actor, action="revoke", object_type="member_access", household_id=household.pk, outcome="denied"
        )
        raise Http404
    try:
        cut_off(actor, access, request.POST.get("reason", ""))  # PermissionDenied: not the regisseur
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(reference)
    codes = dict(request.session.get(LETTER_CODES, {}))
    if codes.pop(str(access.pk), None) is not None:
        request.session[LETTER_CODES] = codes
    messages.success(request, _("The access was stopped. It no longer works, from this moment."))
    return _back(reference)
