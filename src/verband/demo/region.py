"""The Rotterdam-Rijnmond demo region as data: partners named in the source documents, invented
people and invented households. Loading it is idempotent: running it twice changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

# (name, short name, kind, description, phone, email)
ORGANISATIONS: list[tuple[Any, ...]] = [
    (
        "Veilig Thuis Rotterdam Rijnmond",
        "Veilig Thuis",
        "reporting_centre",
        "Advies- en meldpunt huiselijk geweld en kindermishandeling; veiligheidsbeoordeling, onderzoek en monitoring.",
        "0800-2000",
        "advies@veiligthuis-demo.nl",
    ),
    (
        "Filomena",
        "Filomena",
        "dv_centre",
        "Centrum huiselijk geweld: one-stop-shop voor de meest complexe gezinnen.",
        "010-0000101",
        "info@filomena-demo.nl",
    ),
    (
        "Wijkteams Rotterdam",
        "Wijkteams",
        "neighbourhood_team",
        "Generalistische wijkteams van de gemeente Rotterdam.",
        "14 010",
        "wijkteams@rotterdam-demo.nl",
    ),
    (
        "Vraagwijzer Rotterdam",
        "Vraagwijzer",
        "access_desk",
        "Laagdrempelig loket voor vragen over werk, inkomen, zorg en welzijn.",
        "14 010",
        "vraagwijzer@rotterdam-demo.nl",
    ),
    (
        "Centraal Onthaal",
        "Centraal Onthaal",
        "access_desk",
        "Toegang tot maatschappelijke opvang en beschermd wonen.",
        "010-0000104",
        "onthaal@rotterdam-demo.nl",
    ),
    ("Enver", "Enver", "youth_care", "Specialistische jeugdhulp.", "010-0000105", "info@enver-demo.nl"),
    (
        "De Waag",
        "De Waag",
        "forensic_mental_health",
        "Forensische ambulante zorg; ook plegerhulp.",
        "010-0000106",
        "rotterdam@dewaag-demo.nl",
    ),
    (
        "Jeugdbescherming Rotterdam Rijnmond",
        "JBRR",
        "youth_protection",
        "Jeugdbescherming en jeugdreclassering, met het crisisinterventieteam (CIT).",
        "010-0000107",
        "info@jbrr-demo.nl",
    ),
    (
        "Arosa",
        "Arosa",
        "shelter",
        "Vrouwenopvang en ambulante hulp bij huiselijk geweld.",
        "010-0000108",
        "info@arosa-demo.nl",
    ),
    (
        "Fier",
        "Fier",
        "shelter",
        "Expertisecentrum en opvang bij geweld in afhankelijkheidsrelaties.",
        "088-0000109",
        "info@fier-demo.nl",
    ),
    ("Antes", "Antes", "mental_health", "Geestelijke gezondheidszorg.", "010-0000110", "info@antes-demo.nl"),
    ("Bouman GGZ", "Bouman", "addiction_care", "Verslavingszorg.", "010-0000111", "info@bouman-demo.nl"),
    (
        "Politie eenheid Rotterdam",
        "Politie",
        "police",
        "Politie, basisteams in de wijken.",
        "0900-8844",
        "politie@politie-demo.nl",
    ),
    (
        "Reclassering Nederland",
        "Reclassering",
        "probation",
        "Toezicht en begeleiding van plegers.",
        "088-0000113",
        "rotterdam@reclassering-demo.nl",
    ),
    (
        "Openbaar Ministerie Rotterdam",
        "OM",
        "public_prosecution",
        "Strafrechtelijke afdoening, ZSM.",
        "088-0000114",
        "rotterdam@om-demo.nl",
    ),
    (
        "Zorg- en Veiligheidshuis Rotterdam-Rijnmond",
        "ZVH",
        "safety_house",
        "Procesregie op de meest complexe casuïstiek (MDA++).",
        "010-0000115",
        "info@zvh-demo.nl",
    ),
    ("DOCK", "DOCK", "other", "Welzijn en opbouwwerk in de wijk.", "010-0000116", "info@dock-demo.nl"),
    (
        "Gemeente Rotterdam",
        "Gemeente",
        "municipality",
        "Opdrachtgever en regievoerder van het netwerk.",
        "14 010",
        "netwerkhg@rotterdam-demo.nl",
    ),
    (
        "OBS De Regenboog",
        "De Regenboog",
        "school",
        "Basisschool in Feijenoord.",
        "010-0000118",
        "info@regenboog-demo.nl",
    ),
]

# (organisation short name, team name, [(postcode_from, postcode_to) or "neighbourhood"], phone)
TEAMS: list[tuple[Any, ...]] = [
    ("Wijkteams", "Wijkteam Feijenoord", [(3071, 3075), "Afrikaanderwijk"], "010-0001071"),
    ("Wijkteams", "Wijkteam Charlois", [(3081, 3086)], "010-0001081"),
    ("Wijkteams", "Wijkteam IJsselmonde", [(3076, 3079)], "010-0001076"),
    ("Wijkteams", "Wijkteam Delfshaven", [(3021, 3029)], "010-0001021"),
    ("Wijkteams", "Wijkteam Noord", [(3031, 3039)], "010-0001031"),
    ("Wijkteams", "Wijkteam Kralingen-Crooswijk", [(3051, 3063)], "010-0001051"),
    ("Wijkteams", "Wijkteam Prins Alexander", [(3065, 3069)], "010-0001065"),
    ("Wijkteams", "Wijkteam Centrum", [(3011, 3016)], "010-0001011"),
    ("Veilig Thuis", "Team Advies en Melding", [], ""),
    ("Veilig Thuis", "Team Onderzoek Zuid", [(3071, 3089)], ""),
    ("JBRR", "Crisisinterventieteam (CIT)", [], "010-0000170"),
    ("Politie", "Basisteam Feijenoord", [(3071, 3079)], ""),
    ("Enver", "Team Rotterdam-Zuid", [], ""),
    ("De Waag", "Team Rotterdam", [], ""),
    ("Filomena", "Team Filomena", [], ""),
]

# (name, description, is_pilot, [organisations], [coverage], phone, email)
NETWORKS: list[tuple[Any, ...]] = [
    (
        "Netwerk Huiselijk Geweld Rotterdam-Zuid",
        "Wijkteamoverstijgend netwerk voor huiselijk geweld in Feijenoord, Charlois en IJsselmonde.",
        False,
        ["Wijkteams", "Veilig Thuis", "Enver", "De Waag", "Arosa", "Politie", "Gemeente"],
        [(3071, 3089)],
        "010-0002000",
        "netwerk-zuid@rotterdam-demo.nl",
    ),
    (
        "Kernteam pilot Laagdrempelige specialistische zorg",
        "Pilot kernteam rond het hele gezin: Enver, Filomena, De Waag en JBRR-CIT.",
        True,
        ["Enver", "Filomena", "De Waag", "JBRR"],
        [(3071, 3089)],
        "010-0002100",
        "kernteam@rotterdam-demo.nl",
    ),
]

DEMO_PASSWORD = "Verband-demo-2026"  # noqa: S105 - published demo password

# (username, first, last, organisation, team or None, role, job title, [networks], staff)
USERS: list[tuple[Any, ...]] = [
    (
        "wt.feijenoord",
        "Fatima",
        "El Amrani",
        "Wijkteams",
        "Wijkteam Feijenoord",
        "professional",
        "Wijkteammedewerker",
        ["Netwerk Huiselijk Geweld Rotterdam-Zuid"],
        False,
    ),
    (
        "wt.charlois",
        "Jeroen",
        "Bakker",
        "Wijkteams",
        "Wijkteam Charlois",
        "professional",
        "Wijkteammedewerker",
        [],
        False,
    ),
    (
        "lm.feijenoord",
        "Marieke",
        "de Jong",
        "Wijkteams",
        "Wijkteam Feijenoord",
        "line_manager",
        "Teamleider",
        [],
        False,
    ),
    (
        "vt.medewerker",
        "Sanne",
        "Visser",
        "Veilig Thuis",
        "Team Onderzoek Zuid",
        "professional",
        "Medewerker veiligheidsbeoordeling",
        [],
        False,
    ),
    ("politie", "Mark", "Jansen", "Politie", "Basisteam Feijenoord", "professional", "Wijkagent", [], False),
    (
        "enver",
        "Lotte",
        "Willems",
        "Enver",
        "Team Rotterdam-Zuid",
        "professional",
        "Gezinsbehandelaar",
        ["Kernteam pilot Laagdrempelige specialistische zorg"],
        False,
    ),
    (
        "coordinator",
        "Ingrid",
        "Smit",
        "Gemeente",
        None,
        "network_coordinator",
        "Netwerkcoördinator",
        ["Netwerk Huiselijk Geweld Rotterdam-Zuid"],
        False,
    ),
    ("manager", "Peter", "van Dijk", "Wijkteams", None, "manager", "Manager wijkteams Zuid", [], False),
    (
        "bestuurder",
        "Annemieke",
        "Vos",
        "Gemeente",
        None,
        "executive",
        "Directeur Maatschappelijke Ontwikkeling",
        [],
        False,
    ),
    (
        "privacy",
        "Karin",
        "Mulder",
        "Veilig Thuis",
        None,
        "privacy_officer",
        "Functionaris gegevensbescherming",
        [],
        False,
    ),
    ("beheer", "Rob", "de Boer", "Gemeente", None, "functional_admin", "Functioneel beheerder", [], True),
    (
        "ervaring",
        "Ayla",
        "Yilmaz",
        "Filomena",
        "Team Filomena",
        "experience_expert",
        "Ervaringsdeskundige",
        ["Kernteam pilot Laagdrempelige specialistische zorg"],
        False,
    ),
]

# (organisation, name, raw token, scopes)
API_TOKENS: list[tuple[Any, ...]] = [
    (
        "Politie",
        "Politiesysteem (demo)",
        "vbd_demo_politie_rotterdam",
        ["network:read", "households:read", "signals:write"],
    ),
    (
        "Veilig Thuis",
        "Veilig Thuis registratiesysteem (demo)",
        "vbd_demo_veiligthuis_rotterdam",
        ["network:read", "households:read", "signals:write"],
    ),
]

# (reference, [(given, prefix, family, birth date, role)], [(party kind, party name, purpose, basis, started)])
HOUSEHOLDS: list[tuple[Any, ...]] = [
    (
        "HH-2026-0001",
        [
            ("Elif", "", "Demir", date(1991, 4, 12), "victim"),
            ("Kemal", "", "Demir", date(1988, 9, 3), "perpetrator"),
            ("Deniz", "", "Demir", date(2015, 2, 20), "child"),
            ("Mila", "", "Demir", date(2019, 11, 5), "child"),
        ],
        [
            ("team", "Wijkteam Feijenoord", "help", "legal_task", date(2026, 9, 14)),
            ("team", "Team Onderzoek Zuid", "safety_assessment", "legal_task", date(2026, 9, 10)),
            (
                "network",
                "Netwerk Huiselijk Geweld Rotterdam-Zuid",
                "case_direction",
                "covenant",
                date(2026, 9, 21),
            ),
        ],
    ),
    (
        "HH-2026-0002",
        [
            ("Sandra", "de", "Groot", date(1979, 6, 30), "victim"),
            ("Patrick", "de", "Groot", date(1977, 1, 17), "perpetrator"),
            ("Kevin", "de", "Groot", date(2010, 8, 8), "child"),
        ],
        [
            ("team", "Wijkteam Charlois", "help", "legal_task", date(2026, 6, 2)),
            ("team", "Team Onderzoek Zuid", "monitoring", "legal_task", date(2026, 5, 28)),
        ],
    ),
    (
        "HH-2026-0003",
        [
            ("Shanice", "", "Pinas", date(1996, 3, 9), "parent"),
            ("Jayden", "", "Pinas", date(2012, 12, 1), "child"),
            ("Romano", "", "Pinas", date(2014, 7, 22), "child"),
        ],
        [
            (
                "network",
                "Kernteam pilot Laagdrempelige specialistische zorg",
                "help",
                "consent",
                date(2026, 8, 1),
            ),
            ("team", "Team Rotterdam-Zuid", "help", "consent", date(2026, 8, 1)),
        ],
    ),
    (
        "HH-2026-0004",
        [
            ("Ingrid", "van den", "Berg", date(1958, 10, 2), "victim"),
            ("Tom", "van den", "Berg", date(1985, 5, 14), "perpetrator"),
        ],
        [
            ("team", "Basisteam Feijenoord", "criminal_justice", "legal_task", date(2026, 10, 30)),
            ("team", "Team Advies en Melding", "safety_assessment", "legal_task", date(2026, 10, 31)),
        ],
    ),
]
