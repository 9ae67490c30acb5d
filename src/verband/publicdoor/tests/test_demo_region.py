"""In the demo region (its own module: the demo region stays loaded for the module's tests) a citizen's
signal reaches Veilig Thuis, with a postcode (the covering team of Veilig Thuis) or without (its routing
desk)."""

from __future__ import annotations

import pytest

from verband.publicdoor.tests.test_public_door import post, worry
from verband.signals import services
from verband.signals.models import Activation, Signal

pytestmark = pytest.mark.django_db


def test_in_the_demo_region_a_citizen_reaches_veilig_thuis_with_or_without_a_postcode(demo, client):
    post(client, worry(postcode="3072 AB"))
    post(client, worry(postcode="", town=""), address="198.51.100.50")
    assert services.route_pending() == 2
    for signal in Signal.objects.filter(channel="public"):
        assert signal.region == demo
        parties = [a.team for a in Activation.objects.filter(signal=signal)]
        assert parties and all(t is not None and t.organisation.kind == "reporting_centre" for t in parties)
