"""Start pages per role, error pages and the pages every role shares."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from verband.accounts.models import ApiToken
from verband.collaboration.models import HelpKind
from verband.collaboration.selectors import incoming_for, returned_for
from verband.escalation.selectors import escalations_for
from verband.households.selectors import household_rows_page, row_subjects
from verband.network.models import (
    ACTING_ROLES,
    CASEWORK_ROLES,
    KindChange,
    Membership,
    Network,
    Organisation,
    RegionNorms,
    Role,
    Team,
)
from verband.plans.models import ActionStatus, PlanAction
from verband.plans.regie import mandates_for, pending_for
from verband.plans.selectors import my_actions_page
from verband.safety.selectors import danger_flags
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import Shown, Subject, record, record_lists, record_many
from verband.sharing.decorators import role_required
from verband.sharing.grants import Grant, approve, awaiting, may_approve
from verband.sharing.signin_alarm import guessed_accounts
from verband.text import plain_id
from verband.text import spreadsheet_cell as _cell
from verband.workspace import aggregates, caseload, today
from verband.workspace.forms import CaseloadFilter

_START = {
    Role.MANAGER: "workspace:overview",
    Role.EXECUTIVE: "workspace:overview",
    Role.PRIVACY_OFFICER: "sharing:access_log",
    Role.FUNCTIONAL_ADMIN: "workspace:administration",
}


@login_required
def start_view(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    if membership is None:
        waiting = (
            Membership.objects.awaiting_approval()
            .filter(user_id=request.user.pk or 0, organisation__active=True)
            .select_related("organisation")
        )
        return render(request, "workspace/no_role.html", {"waiting": list(waiting)}, status=403)
    return redirect(_START.get(membership.role, "workspace:my_work"))


HOUSEHOLDS_PER_PAGE = 25
ACTIONS_PER_PAGE = 25


@role_required(*CASEWORK_ROLES)
def my_work_view(request: HttpRequest) -> HttpResponse:
    """The households and open actions of a professional, a page of each at a time (long lists are paged:
    `pagina` for households, `acties` for actions), what waits for them, and their team. Everything shown
    is logged: one entry per list, listing its households and the members it names."""
    actor = actor_for_request(request)
    page, rows = household_rows_page(actor, request.GET.get("pagina"), HOUSEHOLDS_PER_PAGE)
    colleagues: list[Membership] = []
    membership = request.membership  # type: ignore[attr-defined]
    if membership.role == Role.LINE_MANAGER and membership.team_id:
        colleagues = list(
            Membership.objects.active()
            .filter(team=membership.team)
            .exclude(pk=membership.pk)
            .select_related("user")
            .order_by("user__last_name")
        )
    networks = Network.objects.filter(pk__in=actor.network_ids).order_by("name")
    actions_page = my_actions_page(actor, request.GET.get("acties"), ACTIONS_PER_PAGE)
    actions: list[PlanAction] = list(actions_page)
    flags = danger_flags([row.household.pk for row in rows] + [a.plan.household_id for a in actions])
    for row in rows:
        row.household.danger = flags.get(row.household.pk, [])  # type: ignore[attr-defined]
    for action in actions:
        action.danger = flags.get(action.plan.household_id, [])  # type: ignore[attr-defined]
    incoming, returned = incoming_for(actor), returned_for(actor)
    regie_requests = pending_for(actor)
    first = today.today_first(actor)
    first_subjects: dict[str, list[Subject]] = {}
    for item in first:
        first_subjects.setdefault(item.object_type, []).extend(item.subjects)
    mandates = mandates_for(actor)
    record_lists(
        actor,
        object_id="mijn-werk",
        lists=[
            *[Shown(object_type, subjects) for object_type, subjects in first_subjects.items()],
            Shown("household", row_subjects(rows), {row.household.pk: row.basis for row in rows}),
            Shown("plan_action", [Subject(a.plan.household_id, a.person_id) for a in actions]),
            Shown("regie_transfer", [Subject(t.household_id) for t in regie_requests]),
            Shown("regie", [Subject(r.household_id) for r in mandates]),
            Shown("handover", [Subject(h.household_id) for h in incoming + returned]),
        ],
    )
    return render(
        request,
        "workspace/my_work.html",
        {
            "rows": rows,
            "page": page,
            "today_first": first,
            "actions_page": actions_page,
            "colleagues": colleagues,
            "networks": networks,
            "actions": actions,
            "regie_requests": regie_requests,
            "mandates": mandates,
            "incoming": incoming,
            "returned": returned,
            "escalations": escalations_for(actor),
            "action_statuses": ActionStatus.choices,
            "acting_roles": sorted(ACTING_ROLES),
        },
    )


CASELOAD_PER_PAGE = 25
EXPORT_FORMATS = ("csv", "xlsx")


def _sort_key(raw: str | None) -> str:
    key = (raw or "").strip()
    return key if key.lstrip("-") in caseload.SORTS and key.count("-") <= 1 else caseload.DEFAULT_SORT


@role_required(*CASEWORK_ROLES)
def caseload_view(request: HttpRequest) -> HttpResponse:
    """Mijn huishoudens / Mijn team / Mijn netwerk: the caseload list, filtered and sorted by GET fields
    (a filtered list is a link and works without JavaScript), paged; `formaat=csv|xlsx` exports the whole
    filtered, sorted list. Every household listed and every member named is logged, the export as an
    export."""
    actor = actor_for_request(request)
    views = caseload.views_for(actor)
    view = request.GET.get("weergave", caseload.MINE)
    if view not in views:
        view = caseload.MINE
    form = CaseloadFilter(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    sort = _sort_key(request.GET.get("sorteer"))
    fmt = request.GET.get("formaat", "")
    if fmt in EXPORT_FORMATS and form.is_valid():
        # Only a valid filter exports: a filter with an error never widens into the whole list.
        rows = caseload.caseload(actor, view, data, sort)
        record_many(
            actor,
            action="export_list",
            object_type="household",
            object_id=f"huishoudens:{view}:{fmt}",
            subjects=caseload.subjects_of(rows),
            basis={row.household.pk: row.basis for row in rows},
        )
        return _export(fmt, view, *caseload.export_table(rows))
    page, rows = caseload.caseload_page(actor, view, data, sort, request.GET.get("pagina"), CASELOAD_PER_PAGE)
    record_lists(
        actor,
        object_id=f"huishoudens:{view}",
        lists=[Shown("household", caseload.subjects_of(rows), {row.household.pk: row.basis for row in rows})],
    )
    kept = request.GET.copy()
    for key in ("pagina", "formaat", "sorteer"):
        kept.pop(key, None)
    columns = []
    for key, (_field, label) in caseload.SORTS.items():
        ascending = sort == key
        descending = sort == f"-{key}"
        link = kept.copy()
        link["sorteer"] = f"-{key}" if ascending else key
        columns.append(
            {
                "key": key,
                "label": label,
                "href": "?" + link.urlencode(),
                "aria_sort": "ascending" if ascending else "descending" if descending else "",
            }
        )
    paging = kept.copy()
    paging["sorteer"] = sort
    exports = {}
    for fmt_ in EXPORT_FORMATS:
        q = paging.copy()
        q["formaat"] = fmt_
        exports[fmt_] = "?" + q.urlencode()
    tabs = []
    for key in views:
        tabs.append(
            {"key": key, "label": caseload.VIEWS[key], "href": f"?weergave={key}", "current": key == view}
        )
    return render(
        request,
        "workspace/caseload.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "view": view,
            "tabs": tabs,
            "columns": columns,
            "paging_query": paging.urlencode(),
            "exports": exports,
            "sort": sort,
        },
    )


def _export(fmt: str, view: str, headers: list[str], lines: list[list[object]]) -> HttpResponse:
    name = f"huishoudens-{view}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
        writer = csv.writer(response, delimiter=";")
        writer.writerow([_cell(h) for h in headers])
        for line in lines:
            writer.writerow([_cell(value) for value in line])
        return response
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(_("Households"))[:31])
    sheet.append([_cell(h) for h in headers])
    for line in lines:
        sheet.append([_cell(value) for value in line])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@role_required(Role.MANAGER, Role.EXECUTIVE)
def overview_view(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    per_team = (
        aggregates.households_per_team(membership.organisation) if membership.role == Role.MANAGER else []
    )
    return render(
        request,
        "workspace/overview.html",
        {
            "total": aggregates.households_total(),
            "per_kind": aggregates.households_per_kind(),
            "per_team": per_team,
            "threshold": settings.SMALL_CELL_THRESHOLD,
        },
    )


@role_required(Role.FUNCTIONAL_ADMIN)
def administration_view(request: HttpRequest) -> HttpResponse:
    roles = dict(Role.choices)
    per_role = [
        (roles.get(row["role"], row["role"]), row["n"])
        for row in Membership.objects.active().values("role").annotate(n=Count("pk")).order_by("role")
    ]
    counts = {
        "organisations": Organisation.objects.filter(active=True).count(),
        "teams": Team.objects.filter(active=True).count(),
        "networks": Network.objects.filter(active=True).count(),
        "users": get_user_model().objects.filter(is_active=True).count(),
        "tokens": ApiToken.objects.usable().count(),
        "help_kinds": HelpKind.objects.filter(active=True).count(),
        "norms": RegionNorms.objects.count(),
        "failed_tasks": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(),
    }
    regions = Membership.objects.active().filter(user_id=request.user.pk or 0, role=Role.FUNCTIONAL_ADMIN)
    guessed, unknown = guessed_accounts(regions.values_list("organisation__region_id", flat=True))
    return render(
        request,
        "workspace/administration.html",
        {
            "counts": counts,
            "per_role": per_role,
            "guessed": guessed,
            "unknown_guessed": unknown,
            "awaiting": awaiting(actor_for_request(request)),
        },
    )


@role_required(Role.FUNCTIONAL_ADMIN)
@require_POST
def approve_view(request: HttpRequest) -> HttpResponse:
    """A second person approves a membership in a case-working role, an API token or a change of an
    organisation's kind asked by another."""
    actor = actor_for_request(request)
    kind, pk = request.POST.get("kind", ""), plain_id(request.POST.get("pk"))
    grant: Grant | None = None
    if kind == "membership" and pk:
        grant = Membership.objects.filter(pk=pk, approved_at__isnull=True).first()
    elif kind == "api_token" and pk:
        grant = ApiToken.objects.filter(pk=pk, approved_at__isnull=True).first()
    elif kind == "organisation_kind" and pk:
        grant = (
            KindChange.objects.filter(pk=pk, approved_at__isnull=True).select_related("organisation").first()
        )
    if grant is None or not may_approve(actor, grant):
        logged_as = kind if kind in ("api_token", "organisation_kind") else "membership"
        record(actor, action="approve", object_type=logged_as, object_id=str(pk or ""), outcome="denied")
        raise Http404
    approve(actor, grant)
    messages.success(request, _("Approved: it is in force now."))
    return redirect("workspace:administration")


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(request, "error.html", {"status": status, "title": title, "text": text}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, _("Bad request"), _("Verband could not understand this request."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("No access"), _("Your role does not give access to this page."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        _("Not found"),
        _(
            "This page does not exist, or it is not available to you. Households are only visible to the "
            "organisations involved with them."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        _("Something went wrong"),
        _(
            "Verband could not complete this. Nothing you entered was saved half-way. Try again, or contact "
            "the functional administrator if it keeps happening."
        ),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        _("Form expired"),
        _(
            "This form was open too long or was sent from another page. Go back, reload the page and send it again."
        ),
    )
