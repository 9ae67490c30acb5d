"""The Bewaartermijnen page: the retention periods as configured, and the sweep's reports of the region —
for the privacy officer and the functional administrator. It shows counts, kinds and household references
of failures, never a person."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from verband.network.models import OrganisationKind, Role
from verband.retention import erase
from verband.retention.config import DEFAULT, configured
from verband.retention.selectors import runs_of_region, term_rows
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record
from verband.sharing.decorators import role_required


@require_safe
@role_required(Role.PRIVACY_OFFICER, Role.FUNCTIONAL_ADMIN)
def reports_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    retention = configured()
    region_id = actor.organisation.region_id if actor.organisation is not None else 0
    page = Paginator(runs_of_region(region_id), 25).get_page(request.GET.get("pagina"))
    kinds = {**dict(OrganisationKind.choices), DEFAULT: _("the default period")}
    runs = list(page)
    for run in runs:
        run.item_rows = erase.in_order(run.items)  # type: ignore[attr-defined]
        run.kind_rows = [(kinds.get(kind, kind), n) for kind, n in run.per_kind.items()]  # type: ignore[attr-defined]
    rows = term_rows(retention)
    record(actor, action="view", object_type="retention_reports")
    return render(
        request,
        "retention/reports.html",
        {
            "terms": rows,
            "default": retention.default,
            "unconfirmed": sum(1 for row in rows if row.confirmed_on is None)
            + (retention.default.confirmed_on is None),
            "sweep_on": settings.RETENTION_SWEEP,
            "own_file": bool(settings.RETENTION_FILE),
            "runs": runs,
            "page": page,
        },
    )
