from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from verband.network import selectors
from verband.network.models import OrganisationKind


@login_required
def network_view(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_with_teams())
    labels = dict(OrganisationKind.choices)
    order = {kind: index for index, kind in enumerate(labels)}
    organisations.sort(key=lambda o: (order.get(o.kind, len(order)), o.name))
    groups = [
        (labels.get(kind, kind), list(items)) for kind, items in groupby(organisations, key=lambda o: o.kind)
    ]
    return render(request, "network/network.html", {"groups": groups, "networks": selectors.networks()})
