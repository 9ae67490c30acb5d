from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from verband.households.selectors import open_household
from verband.network.models import CASEWORK_ROLES
from verband.sharing.access import actor_for_request
from verband.workspace.roles import role_required


@role_required(*CASEWORK_ROLES)
def household_view(request: HttpRequest, reference: str) -> HttpResponse:
    detail = open_household(actor_for_request(request), reference)
    return render(request, "households/household.html", {"detail": detail})
