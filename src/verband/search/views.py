"""The search page: one box for households and persons the professional may see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from verband.network.models import CASEWORK_ROLES
from verband.search import selectors
from verband.search.query import MAX_LENGTH, parse
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import Subject, record_many
from verband.sharing.decorators import role_required


@role_required(*CASEWORK_ROLES)
def search_view(request: HttpRequest) -> HttpResponse:
    """`/zoeken/?q=…`. Every search is logged with what was typed (the privacy officer can trace who
    looked up whom, also when nothing was found), listing each household and person it showed."""
    actor = actor_for_request(request)
    text = request.GET.get("q", "")
    query = parse(text)
    outcome = selectors.search(actor, query)
    if query.text:
        record_many(
            actor,
            action="search",
            object_type="search",
            object_id=query.text,
            subjects=outcome.subjects() or [Subject()],
            basis=outcome.bases(),
        )
    context = {
        "query": query,
        "outcome": outcome,
        "searched": bool(query.text) and not query.errors,
        "max_length": MAX_LENGTH,
        "max_results": selectors.MAX_RESULTS,
    }
    return render(request, "search/search.html", context)
