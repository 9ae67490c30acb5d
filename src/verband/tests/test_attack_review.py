"""Attacks on the search, caseload, journal, measures, tasks, recognition and escalation changes, as the
person the victim fears (probation working with the perpetrator only), or a curious colleague. Each test
failed before its fix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from verband.collaboration.tests.shielded_family import shielded  # noqa: F401  (fixture)
from verband.escalation.models import Escalation, EscalationRecipient, Step
from verband.network.models import Role
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.testing import make_user


@pytest.mark.django_db
def test_escalation_page_names_no_shelter_to_probations_line_manager(shielded, as_user):  # noqa: F811
    """A no-regisseur escalation of the household reaches probation's line manager (and the shelter's):
    neither the ladder nor the list of whom the action can be given to may name the shelter's people to
    someone who does not see the household whole — the shelter is where she is."""
    w = shielded
    manager = make_user("reclassering_mgr", w.probation_org, Role.MANAGER)
    shelter_manager = make_user("opvang_mgr", w.team_shelter.organisation, Role.MANAGER)
    escalation = Escalation.objects.get(household=w.household, kind="no_regisseur")
    for who in (manager, shelter_manager):
        EscalationRecipient.objects.create(
            escalation=escalation, membership=who.memberships.get(), step=Step.LINE_MANAGER
        )
    page = as_user(manager).get(f"/escalaties/{escalation.pk}/").content.decode()
    assert 'name="owner"' in page  # the decision form is there
    assert "Opvang" not in page and "Blijf" not in page
    # Whoever sees the household whole still gets the shelter offered.
    EscalationRecipient.objects.create(
        escalation=escalation, membership=w.involved.memberships.get(), step=Step.LINE_MANAGER
    )
    whole = as_user(w.involved).get(f"/escalaties/{escalation.pk}/").content.decode()
    assert "Opvang Test (Blijf Opvang" in whole
    # Decided with an action for the shelter's worker: probation's line manager reads the decision, not
    # whom it was given to.
    decided = as_user(w.involved).post(
        f"/escalaties/{escalation.pk}/",
        {
            "kind": "action",
            "decision": "De wijkteammedewerker neemt de regie deze week op zich.",
            "owner": str(w.shelter_worker.memberships.get().pk),
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert decided.status_code == 302
    page = as_user(manager).get(f"/escalaties/{escalation.pk}/").content.decode()
    assert "neemt de regie deze week" in page  # the decision is read
    assert "Opvang" not in page and "Blijf" not in page
