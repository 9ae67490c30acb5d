"""The shielding page of a household: what is kept from whom, and the decisions to shield or lift."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verband.households.selectors import log_household_view
from verband.network.models import CASEWORK_ROLES
from verband.sharing.access import actor_for_request, get_household_or_404
from verband.sharing.accesslog import record
from verband.sharing.basis import basis_from, consents_in_force
from verband.sharing.basis import form_context as basis_form_context
from verband.sharing.decorators import role_required
from verband.sharing.models import InformationScope, SharingKind
from verband.shielding import services
from verband.shielding.forms import ShieldForm
from verband.shielding.selectors import shield_overview


@role_required(*CASEWORK_ROLES)
@require_http_methods(["GET", "POST"])
def shields_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    household, basis = get_household_or_404(
        actor, reference, action="view" if request.method == "GET" else "update"
    )
    if not services.may_decide(actor, household):
        record(actor, action="view", object_type="shields", object_id=household.reference,
               household_id=household.pk, outcome="denied")  # fmt: skip
        raise PermissionDenied
    error, error_for = "", ""
    status = 200
    if request.method == "POST":
        form = ShieldForm(request.POST)
        valid = form.is_valid()
        error_for = form.target
        try:
            if not valid:
                raise ValidationError([p for problems in form.errors.values() for p in problems])
            data = form.cleaned_data
            services.decide(
                actor, household, data["item_type"], data["item_id"], data["person"],
                shielded=data["decision"] == "shield", reason=data["reason"],
                basis=basis_from(request.POST) if data["decision"] != "shield" else None,
            )  # fmt: skip
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("shielding:shields", reference=reference)
    overview = shield_overview(actor, household)
    in_force = consents_in_force(household)
    for _title, rows in overview.groups:
        for row in rows:
            row.basis = basis_form_context(
                household,
                SharingKind.SHIELD_LIFT,
                information=services.ITEM_INFORMATION.get(row.item_type, InformationScope.ALL),
                post=request.POST if error and error_for == row.key else None,
                prefix=f"b-{row.key}",
                in_force=in_force,
            )
    log_household_view(actor, household, basis, "shields")
    context = {
        "household": household,
        "overview": overview,
        "error": error,
        "error_for": error_for,
        "draft": request.POST.get("reason", "") if error else "",
    }
    return render(request, "shielding/shields.html", context, status=status)
