def _get(client, path, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(path, **headers)


def test_organisations_with_teams_and_coverage(world, client):
    from verband.network.models import CoverageArea

    world.team_a1.coverage.all().delete()
    CoverageArea.objects.create(team=world.team_a1, postcode_from=3071, postcode_to=3075)
    body = _get(client, "/api/v1/organisations", world.token_b).json()
    org = next(o for o in body if o["name"] == "Wijkteams Testdorp")
    team = next(t for t in org["teams"] if t["name"] == "Wijkteam Noord")
    assert team["coverage"] == [{"postcode_from": 3071, "postcode_to": 3075, "neighbourhood": ""}]


def test_networks(world, client):
    body = _get(client, "/api/v1/networks", world.token_a_network_only).json()
    assert body[0]["name"] == "Netwerk HG Testdorp"
    assert sorted(body[0]["organisation_ids"]) == sorted([world.org_a.pk, world.org_b.pk])


def test_network_needs_token_with_scope(world, client):
    from verband.accounts.models import ApiToken

    assert _get(client, "/api/v1/organisations").status_code == 401
    token = ApiToken(organisation=world.org_a, name="zonder", scopes=[])
    raw = token.set_token()
    token.save()
    response = _get(client, "/api/v1/organisations", raw)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
