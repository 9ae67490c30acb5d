"""Every refused attempt on a household is in the access log: generated from the URLconf and the API's
routes, so a new route that forgets to log its refusal fails here. A case worker who does not work with
HH-T-0001 (web) and a partner system's token that does not see it (API) ask every route that takes a
household reference, with GET and POST; each answer is "not found" (or a refusal) and each attempt leaves
a denied entry under that person or token."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from verband.sharing.models import AccessLogEntry

REFERENCE = "HH-T-0001"


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def household_routes(api: bool) -> list[str]:
    found = []
    for route in _routes(get_resolver().url_patterns):
        if "<str:reference>" not in route and "<reference>" not in route:
            continue
        if route.startswith("api/") != api or route.startswith("meldingen/"):
            continue
        path = re.sub(r"<(str:)?reference>", REFERENCE, route)
        path = re.sub(r"<int:\w+>", "1", path)
        path = re.sub(r"<slug:\w+>", "veiligheidsscreening", path)
        found.append("/" + path)
    return sorted(set(found))


WEB = household_routes(api=False)
API = household_routes(api=True)


def test_the_routes_are_found():
    assert "/huishoudens/HH-T-0001/" in WEB and "/api/v1/households/HH-T-0001" in API
    assert len(WEB) > 15 and len(API) > 8


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("path", WEB)
def test_a_refused_web_attempt_is_logged(world, as_user, path, method):
    client = as_user(world.colleague)
    response = getattr(client, method)(path)
    if response.status_code == 405:
        pytest.skip(f"{method.upper()} is not a method of {path}")
    assert response.status_code == 404, f"{method.upper()} {path}: {response.status_code}"
    assert AccessLogEntry.objects.filter(username="colleague", outcome="denied").exists(), (
        f"{method.upper()} {path} refused without a log entry"
    )


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("path", API)
def test_a_refused_api_attempt_is_logged(world, client, path, method):
    from verband.accounts.models import ApiToken

    token = ApiToken.objects.get(name="Systeem B")  # the police's system: not involved with HH-T-0001
    auth = {"HTTP_AUTHORIZATION": f"Bearer {world.token_b}"}
    if method == "post":
        response = client.post(path, data="{}", content_type="application/json", **auth)
    else:
        response = client.get(path, **auth)
    if response.status_code == 405:
        pytest.skip(f"{method.upper()} is not a method of {path}")
    if response.status_code == 422:
        # The body is refused before any household is looked up: the same answer for a household that
        # does not exist, so it says nothing about this one, and nothing was read.
        other = client.post(
            path.replace(REFERENCE, "HH-X-9999"), data="{}", content_type="application/json", **auth
        )
        assert other.status_code == 422 and other.content == response.content
        return
    assert response.status_code in (403, 404), f"{method.upper()} {path}: {response.status_code}"
    assert AccessLogEntry.objects.filter(token_id=token.pk, outcome="denied").exists(), (
        f"{method.upper()} {path} refused without a log entry"
    )


def test_the_inbox_signal_page_and_timeline_name_each_person_they_show(world, as_user):
    """(Issue: these logged only the household.) A person whose name, or age and role, a page shows is
    named in its entry."""
    from verband.sharing.accesslog import logged_subjects
    from verband.signals.models import Activation, Signal, SignalPerson

    victim = world.household.members.get(role="victim").person
    signal = Signal.objects.create(region=world.region, kind="report", description="x", household=world.household,
                                   status="routed", reference="SG-L-0001")  # fmt: skip
    SignalPerson.objects.create(
        signal=signal, person=victim, given_names="Anna", family_name="Dam", role="victim"
    )
    Activation.objects.create(signal=signal, household=world.household, team=world.team_vt, purpose="help",
                              reason="r", norm_working_days=2, due_on=date(2026, 12, 4))  # fmt: skip
    vt = as_user(world.vt)
    for path, object_type in (("/werkbak/", "inbox"), ("/meldingen/SG-L-0001/", "signal_pending")):
        assert vt.get(path).status_code == 200
        entry = AccessLogEntry.objects.filter(username="vt", object_type=object_type).latest("pk")
        assert victim.pk in {s.person_id for s in logged_subjects([entry])}, path
    involved = as_user(world.involved)
    involved.get("/meldingen/SG-L-0001/")
    entry = AccessLogEntry.objects.filter(username="involved", object_type="signal").latest("pk")
    assert victim.pk in {s.person_id for s in logged_subjects([entry])}
    involved.get("/huishoudens/HH-T-0001/tijdlijn/")
    entry = AccessLogEntry.objects.filter(username="involved", object_type="timeline").latest("pk")
    assert victim.pk in {s.person_id for s in logged_subjects([entry])}
