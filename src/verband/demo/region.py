"""The Rotterdam-Rijnmond demo region as data: partners named in the source documents, invented
people and invented households. Loading it is idempotent: running it twice changes nothing."""

from __future__ import annotations

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
    ("Arosa", "Opvang Rotterdam", [], "010-0000300"),
    ("Fier", "Opvang Fier", [], "058-0000400"),
    ("Centraal Onthaal", "Maatschappelijke opvang", [], "010-0000500"),
    ("ZVH", "Procesregie ZVH", [], "010-0000600"),
    ("Reclassering", "Reclassering Team Rotterdam-Zuid", [], "088-0000114"),
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
    (
        "vt.triage",
        "Noor",
        "Hendriks",
        "Veilig Thuis",
        "Team Advies en Melding",
        "professional",
        "Medewerker routeringsdesk",
        [],
        False,
    ),
    (
        "politie",
        "Mark",
        "Jansen",
        "Politie",
        "Basisteam Feijenoord",
        "professional",
        "Wijkagent",
        ["Netwerk Huiselijk Geweld Rotterdam-Zuid"],
        False,
    ),
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
        "opvang",
        "Sanne",
        "Verhoeven",
        "Arosa",
        "Opvang Rotterdam",
        "professional",
        "Medewerker aanmelding opvang",
        ["Netwerk Huiselijk Geweld Rotterdam-Zuid"],
        False,
    ),
    (
        "reclassering",
        "Bas",
        "Verhoef",
        "Reclassering",
        "Reclassering Team Rotterdam-Zuid",
        "professional",
        "Reclasseringswerker (toezicht plegers)",
        [],
        False,
    ),
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
        ["network:read", "households:read", "signals:write", "safety:write", "plans:write"],
    ),
    (
        "Veilig Thuis",
        "Veilig Thuis registratiesysteem (demo)",
        "vbd_demo_veiligthuis_rotterdam",
        ["network:read", "households:read", "signals:write", "safety:write", "plans:write"],
    ),
]

# (name, condition, target, organisation, team, network, purpose, working days, urgent)
ROUTING_RULES: list[tuple[Any, ...]] = [
    ("Elke melding: veiligheidsbeoordeling door Veilig Thuis", "every", "covering_team", "Veilig Thuis", None,
     None, "safety_assessment", 5, False),
    ("Elke melding: het lokale netwerk voor hulp", "every", "covering_network", None, None, None, "help", 2,
     False),
    ("Kinderen betrokken: het wijkteam van de postcode", "children", "covering_team", "Wijkteams", None, None,
     "help", 2, False),
    ("Acuut gevaar: crisisinterventie", "acute", "fixed", None, "Crisisinterventieteam (CIT)", None,
     "protection", 0, True),
    ("Routeringsdesk Veilig Thuis", "fallback", "fixed", None, "Team Advies en Melding", None,
     "safety_assessment", 1, False),
]  # fmt: skip

# The region's catalogue of help: (name, usual funding, waiting norm in working days or None)
HELP_KINDS: list[tuple[Any, ...]] = [
    ("Opvangplek", "wmo", 2),
    ("Maatschappelijke opvang", "wmo", 5),
    ("Gezinscoaching", "jeugdwet", None),
    ("Traumabehandeling", "zvw", 20),
    ("Behandeling agressie en alcohol", "forensic", 15),
    ("Ambulante begeleiding", "wmo", None),
    ("Doorbraakbudget", "breakthrough", 2),
]
# The kinds of help that are a place to stay away from home: kept from a perpetrator, also without provider.
SHELTER_KINDS = {"Opvangplek", "Maatschappelijke opvang"}

# (team, kind of help, places)
CAPACITIES: list[tuple[Any, ...]] = [
    ("Opvang Rotterdam", "Opvangplek", 10),
    ("Opvang Fier", "Opvangplek", 6),
    ("Maatschappelijke opvang", "Maatschappelijke opvang", 40),
]

# Anonymous case consultations: (network, asked by, days ago, facts, question,
#   [(advice by, days ago, text)], (concluded by, days ago, conclusion) or None). Nobody is named.
CONSULTATIONS: list[tuple[Any, ...]] = [
    (
        "Netwerk Huiselijk Geweld Rotterdam-Zuid",
        "wt.feijenoord",
        20,
        "Moeder (eind twintig) met een baby van 8 maanden en een peuter van 3. Vader (begin dertig) drinkt "
        "veel; de buren horen 's avonds geschreeuw. Moeder zegt dat het 'wel meevalt' en wil geen "
        "hulpverlening. Het consultatiebureau zag vorige week een blauwe plek op haar arm.",
        "Is dit genoeg voor een melding bij Veilig Thuis, of voeren we eerst samen met het "
        "consultatiebureau een gesprek? Wie kan het beste contact leggen met vader?",
        [
            (
                "politie",
                19,
                "Met alcohol en een baby in huis zou ik niet lang wachten. Als het een melding wordt, kan ik "
                "nagaan of er eerdere politiecontacten zijn; anoniem kan dat niet.",
            ),
            (
                "opvang",
                18,
                "Vraag moeder apart naar haar eigen veiligheid en die van de kinderen. Bespreek een "
                "veiligheidsplan zonder meteen over opvang te beginnen: dat schrikt vaak af.",
            ),
        ],
        (
            "coordinator",
            14,
            "Advies van het netwerk: binnen een week een gesprek met moeder samen met het "
            "consultatiebureau, met de vraag naar veiligheid. Blijven de zorgen, dan een melding bij "
            "Veilig Thuis volgens de meldcode. De wijkagent denkt mee over contact met vader.",
        ),
    ),
    (
        "Netwerk Huiselijk Geweld Rotterdam-Zuid",
        "opvang",
        3,
        "Een vrouw (midden veertig) verbleef twee keer kort in de opvang en wil nu terug naar haar partner. "
        "Haar volwassen zoon woont bij hen en is volgens haar ook bang voor hem. Zij vraagt ons alleen om "
        "hulp bij haar schulden.",
        "Hoe houden we contact zonder haar weg te duwen, en wie in het netwerk kan de zoon bereiken?",
        [],
        None,
    ),
    (
        "Kernteam pilot Laagdrempelige specialistische zorg",
        "enver",
        10,
        "Vader (veertiger) is bij ons in behandeling voor agressie. Hij vertelt dat zijn dochter van 15 niet "
        "meer thuis wil slapen en steeds bij vriendinnen logeert. Moeder zegt dat er thuis niets aan de "
        "hand is.",
        "Hoe bespreken we met het gezin wat de dochter nodig heeft, zonder dat vader zich beschuldigd voelt "
        "en de behandeling stopt?",
        [
            (
                "ervaring",
                8,
                "Uit eigen ervaring: laat de dochter eerst apart haar verhaal doen bij iemand die zij "
                "vertrouwt, bijvoorbeeld haar mentor. Als vader het daarna van zijn eigen behandelaar hoort, "
                "voelt het minder als een aanval.",
            ),
        ],
        None,
    ),
]
