"""Loads the demo region (see region.py). Idempotent: what exists is updated, nothing is duplicated."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.models import ApiToken, hash_token
from verband.accounts.twofactor import DEMO_DEVICE_NAME
from verband.demo import region
from verband.households.models import Household, HouseholdMember, Person
from verband.network.models import CoverageArea, Membership, Network, Organisation, Region, Team
from verband.sharing import services as sharing_services
from verband.sharing.access import SYSTEM


def demo_totp_key(username: str) -> str:
    """A fixed TOTP secret per demo user, so the one-time code can be shown in the demo banner."""
    return hashlib.sha1(f"verband-demo-totp:{username}".encode(), usedforsecurity=False).hexdigest()


def _coverage(owner: dict, areas: list) -> None:
    CoverageArea.objects.filter(**owner).delete()
    for area in areas:
        if isinstance(area, tuple):
            CoverageArea.objects.create(postcode_from=area[0], postcode_to=area[1], **owner)
        else:
            CoverageArea.objects.create(neighbourhood=area, **owner)


@transaction.atomic
def load_demo_region() -> Region:
    rr, _ = Region.objects.update_or_create(
        code="rotterdam-rijnmond", defaults={"name": "Rotterdam-Rijnmond"}
    )
    orgs: dict[str, Organisation] = {}
    for name, short, kind, description, phone, email in region.ORGANISATIONS:
        orgs[short], _ = Organisation.objects.update_or_create(
            region=rr,
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "description": description,
                "phone": phone,
                "email": email,
            },
        )
    teams: dict[str, Team] = {}
    for org_short, team_name, areas, phone in region.TEAMS:
        teams[team_name], _ = Team.objects.update_or_create(
            organisation=orgs[org_short], name=team_name, defaults={"phone": phone}
        )
        _coverage({"team": teams[team_name]}, areas)
    networks: dict[str, Network] = {}
    for name, description, pilot, members, areas, phone, email in region.NETWORKS:
        network, _ = Network.objects.update_or_create(
            name=name,
            defaults={
                "region": rr,
                "description": description,
                "is_pilot": pilot,
                "phone": phone,
                "email": email,
            },
        )
        network.organisations.set([orgs[m] for m in members])
        _coverage({"network": network}, areas)
        networks[name] = network

    User = get_user_model()
    for username, first, last, org_short, team_name, role, title, user_networks, staff in region.USERS:
        user, created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.is_staff = first, last, staff
        user.is_demo = True
        user.email = f"{username}@verband-demo.nl"
        if created or not user.has_usable_password():
            user.set_password(region.DEMO_PASSWORD)
        user.save()
        membership, _ = Membership.objects.update_or_create(
            user=user,
            organisation=orgs[org_short],
            team=teams[team_name] if team_name else None,
            role=role,
            defaults={"job_title": title, "active": True},
        )
        membership.networks.set([networks[n] for n in user_networks])
        TOTPDevice.objects.update_or_create(
            user=user, name=DEMO_DEVICE_NAME, defaults={"key": demo_totp_key(username), "confirmed": True}
        )
        if staff:
            from django.contrib.auth.models import Permission

            user.user_permissions.set(
                Permission.objects.filter(content_type__app_label__in=["network", "accounts"])
            )

    for org_short, name, raw, scopes in region.API_TOKENS:
        token = ApiToken.objects.filter(token_hash=hash_token(raw)).first() or ApiToken(
            organisation=orgs[org_short]
        )
        token.name, token.scopes, token.organisation = name, scopes, orgs[org_short]
        token.is_demo = True
        token.set_token(raw)
        token.save()

    for reference, members, involvements in region.HOUSEHOLDS:
        household, created = Household.objects.get_or_create(reference=reference, defaults={"region": rr})
        if created:
            for given, prefix, family, born, role in members:
                person = Person(given_names=given, surname_prefix=prefix, family_name=family)
                person.set_birth_date(born)
                person.save()
                HouseholdMember.objects.create(household=household, person=person, role=role)
        for kind, party, purpose, basis, started in involvements:
            sharing_services.involve(
                SYSTEM,
                household,
                purpose=purpose,
                legal_basis=basis,
                started_on=started,
                team=teams[party] if kind == "team" else None,
                network=networks[party] if kind == "network" else None,
            )
    return rr
