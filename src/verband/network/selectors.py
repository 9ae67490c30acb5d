"""Reads of the network. The network itself (organisations, teams, coverage, contact points) is not
personal data of households; every signed-in user may see it."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from verband.network.models import CoverageArea, Network, Organisation, Team


def organisations_with_teams() -> QuerySet[Organisation]:
    teams = Team.objects.filter(active=True).prefetch_related(
        Prefetch("coverage", queryset=CoverageArea.objects.order_by("postcode_from", "neighbourhood"))
    )
    return (
        Organisation.objects.filter(active=True)
        .prefetch_related(Prefetch("teams", queryset=teams))
        .order_by("kind", "name")
    )


def networks() -> QuerySet[Network]:
    return (
        Network.objects.filter(active=True)
        .prefetch_related(
            "organisations", Prefetch("coverage", queryset=CoverageArea.objects.order_by("postcode_from"))
        )
        .order_by("-is_pilot", "name")
    )
