"""Twenty invented households for the demo region, in different states. The situations are written in
our own words after the kinds of cases the source documents describe (coercive control, a family under
stress, long-term care needs, parenting stress, a high-conflict divorce, elder abuse, a mother falling
between the cracks); names, dates and addresses are invented.

Signals are loaded through the same services a report uses, so the history, the activations and
their clocks are real; `days_ago` places them in the past."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class P:
    given: str
    prefix: str
    family: str
    born: date | int | None
    role: str
    sex: str = "unknown"


@dataclass(frozen=True)
class S:
    """A signal: how long ago, what kind, from which organisation (short name), about which members
    (indexes), what happened, flags, and which activated parties took it up (team or network names)."""

    days_ago: int
    kind: str
    source: str
    about: tuple[int, ...]
    text: str
    violence: tuple[str, ...] = ()
    acute: bool = False
    weapon: bool = False
    taken_up: tuple[str, ...] = ()
    # Signals older than two weeks were taken up by every partner activated, except these.
    stalled: tuple[str, ...] = ()

    def was_taken_up(self, party: str) -> bool:
        return party in self.taken_up or (self.days_ago > 14 and party not in self.stalled)


@dataclass(frozen=True)
class A:
    """A safety assessment: how long ago, by which demo user, the verdict, and per member index the
    professional's score and (or None) the member's own."""

    days_ago: int
    by: str
    structural: bool
    phase: str
    profiles: tuple[str, ...]
    scores: tuple[tuple[int, int, int | None], ...]
    acute: bool = False
    balance: tuple[str, ...] = ()
    summary: str = ""
    danger: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Plan:
    """A family plan written by `by`; actions are (member index or None, text, owner organisation short
    name, owner username or None, due in days from today (negative: overdue), status)."""

    by: str
    wishes: str
    agreement: str
    goals: tuple[tuple[int | None, str], ...]
    agreements: tuple[tuple[int | None, str, str], ...]
    actions: tuple[tuple[int | None, str, str, str | None, int, str], ...]
    status: str = "active"


@dataclass(frozen=True)
class H:
    reference: str
    street: str
    number: str
    postcode: str
    persons: tuple[P, ...]
    relations: tuple[tuple[int, int, str], ...] = ()
    # (party kind, party name, purpose, basis, started) for involvements that predate Verband's signals
    involvements: tuple[tuple[str, str, str, str, date], ...] = ()
    signals: tuple[S, ...] = ()
    # A member living at a confidential address (a shelter), and the organisations allowed to see it.
    hidden: int | None = None
    hidden_address: tuple[str, str, str] = ("", "", "")
    disclosed_to: tuple[str, ...] = field(default_factory=tuple)
    assessments: tuple[A, ...] = ()
    # (regisseur username, the line manager who gave the mandate)
    regie: tuple[str, str] | None = None
    plan: Plan | None = None
    # (team name, purpose, basis, started, member indices): involvements for named members only
    scoped: tuple[tuple[str, str, str, date, tuple[int, ...]], ...] = ()


ZUID = "Netwerk Huiselijk Geweld Rotterdam-Zuid"
PILOT = "Kernteam pilot Laagdrempelige specialistische zorg"

# fmt: off
HOUSEHOLDS: tuple[H, ...] = (
    H(
        "HH-2026-0001",
        "Hilledijk",
        "88",
        "3074AB",
        (
            P("Elif", "", "Demir", date(1991, 4, 12), "victim", "female"),
            P("Kemal", "", "Demir", date(1988, 9, 3), "perpetrator", "male"),
            P("Deniz", "", "Demir", date(2015, 2, 20), "child", "male"),
            P("Mila", "", "Demir", date(2019, 11, 5), "child", "female"),
        ),
        (
            (0, 1, "partner"),
            (0, 2, "parent_of"),
            (0, 3, "parent_of"),
            (1, 2, "parent_of"),
            (1, 3, "parent_of"),
        ),
        (
            ("team", "Wijkteam Feijenoord", "help", "legal_task", date(2026, 9, 14)),
            ("team", "Team Onderzoek Zuid", "safety_assessment", "legal_task", date(2026, 9, 10)),
            ("network", ZUID, "case_direction", "covenant", date(2026, 9, 21)),
        ),
        (
            S(
                75,
                "police_registration",
                "Politie",
                (0, 1, 2, 3),
                "Buren belden 112 om half twaalf 's nachts: geschreeuw en gebonk. Moeder had een gezwollen "
                "lip; de zoon (11) zat op de trap en had alles gezien. Vader was onder invloed.",
                ("physical", "witnessing"),
                taken_up=("Team Onderzoek Zuid", ZUID),
            ),
        ),
        assessments=(
            A(70, "vt.medewerker", True, "direct", ("family_stress",), ((0, 3, 2), (2, 4, None), (3, 5, None)),
              acute=True, balance=("micro-verslaving", "meso-armoede", "meso-werkloos", "meso-steun"),
              summary="Acute onveiligheid na geweld onder invloed; vader tijdelijk huisverbod. Deniz zag alles.",
              danger=(("aggressive_dog", "Staffordshire in de woning, niet aangelijnd"),)),
            A(40, "vt.medewerker", True, "direct", ("family_stress",), ((0, 5, 5), (1, 6, None), (2, 5, 6),
              (3, 6, None))),
            A(12, "wt.feijenoord", True, "stable", ("family_stress",), ((0, 7, 6), (1, 7, None), (2, 6, 7),
              (3, 7, None)), summary="Geen nieuwe incidenten; vader in behandeling bij De Waag."),
        ),
        scoped=(("Reclassering Team Rotterdam-Zuid", "criminal_justice", "legal_task", date(2026, 10, 1), (1,)),),
        regie=("wt.feijenoord", "lm.feijenoord"),
        plan=Plan(
            "wt.feijenoord",
            "Elif wil dat het thuis rustig blijft en dat Kemal blijft werken aan zijn drankgebruik. Deniz wil "
            "weer bij de voetbalclub.",
            "agrees",
            ((None, "Geen geweld meer in huis; iedereen geeft veiligheid een 7 of hoger"),
             (2, "Deniz verwerkt wat hij zag en kan erover praten"),
             (1, "Kemal drinkt niet meer en herkent zijn spanning op tijd")),
            ((1, "Kemal drinkt niet als de kinderen thuis zijn", "De Waag"),
             (None, "Bij spanning belt Elif haar zus en gaat zij met de kinderen daarheen", "Wijkteams")),
            ((1, "Behandeling agressie en alcohol", "De Waag", None, 30, "in_progress"),
             (2, "Traumascreening Deniz", "Wijkteams", "wt.feijenoord", -3, "open"),
             (None, "Veiligheidscheck na drie maanden", "Veilig Thuis", "vt.medewerker", 21, "open"),
             (2, "Aanmelding voetbalclub via jeugdfonds", "Wijkteams", None, 10, "open")),
        ),
    ),
    H(
        "HH-2026-0002",
        "Wolphaertsbocht",
        "140",
        "3083KA",
        (
            P("Sandra", "de", "Groot", date(1979, 6, 30), "victim", "female"),
            P("Patrick", "de", "Groot", date(1977, 1, 17), "perpetrator", "male"),
            P("Kevin", "de", "Groot", date(2010, 8, 8), "child", "male"),
        ),
        ((0, 1, "partner"), (0, 2, "parent_of"), (1, 2, "parent_of")),
        (
            ("team", "Wijkteam Charlois", "help", "legal_task", date(2026, 6, 2)),
            ("team", "Team Onderzoek Zuid", "monitoring", "legal_task", date(2026, 5, 28)),
        ),
    ),
    H(
        "HH-2026-0003",
        "Groene Hilledijk",
        "301",
        "3075EA",
        (
            P("Shanice", "", "Pinas", date(1996, 3, 9), "parent", "female"),
            P("Jayden", "", "Pinas", date(2012, 12, 1), "child", "male"),
            P("Romano", "", "Pinas", date(2014, 7, 22), "child", "male"),
        ),
        ((0, 1, "parent_of"), (0, 2, "parent_of"), (1, 2, "sibling")),
        (
            ("network", PILOT, "help", "consent", date(2026, 8, 1)),
            ("team", "Team Rotterdam-Zuid", "help", "consent", date(2026, 8, 1)),
        ),
    ),
    H(
        "HH-2026-0004",
        "Dordtsestraatweg",
        "512",
        "3075BK",
        (
            P("Ingrid", "van den", "Berg", date(1958, 10, 2), "victim", "female"),
            P("Tom", "van den", "Berg", date(1985, 5, 14), "perpetrator", "male"),
        ),
        ((0, 1, "parent_of"),),
        (
            ("team", "Basisteam Feijenoord", "criminal_justice", "legal_task", date(2026, 10, 30)),
            ("team", "Team Advies en Melding", "safety_assessment", "legal_task", date(2026, 10, 31)),
        ),
        (
            S(
                24,
                "police_registration",
                "Politie",
                (0, 1),
                "Mevrouw (68) belde zelf: haar zoon, die weer bij haar woont, neemt haar pinpas af en "
                "dreigt als zij weigert geld te geven. Blauwe plek op de bovenarm.",
                ("financial", "elder_abuse", "physical"),
            ),
        ),
    ),
    H(
        "HH-2026-0005",
        "Pretorialaan",
        "17",
        "3072BB",
        (
            P("Marloes", "", "Verbeek", date(1990, 5, 11), "victim", "female"),
            P("Ruben", "", "Verbeek", date(1988, 2, 3), "perpetrator", "male"),
            P("Sem", "", "Verbeek", date(2020, 1, 19), "child", "male"),
        ),
        ((0, 1, "partner"), (0, 2, "parent_of"), (1, 2, "parent_of")),
        (),
        (
            S(
                2,
                "police_registration",
                "Politie",
                (0, 1, 2),
                "Moeder sloot zich met de zoon van zes op in de badkamer en belde 112. Vader is "
                "gecontroleerd, wantrouwend en drinkt; sinds de geboorte van de zoon is hij veranderd. De zoon "
                "plast weer in bed.",
                ("physical", "coercive_control", "witnessing"),
            ),
        ),
    ),
    H(
        "HH-2026-0006",
        "Wielewaalstraat",
        "44",
        "3082SG",
        (
            P("Naomi", "", "Kroon", date(2000, 9, 27), "victim", "female"),
            P("Dylan", "", "Kroon", 2017, "child", "male"),
            P("Lisa", "", "Kroon", date(2023, 4, 2), "child", "female"),
            P("Ricardo", "", "Mendes", date(1994, 11, 8), "perpetrator", "male"),
            P("Anja", "", "Kroon", date(1972, 3, 15), "network_member", "female"),
        ),
        (
            (0, 1, "parent_of"),
            (0, 2, "parent_of"),
            (3, 2, "parent_of"),
            (0, 3, "ex_partner"),
            (4, 0, "parent_of"),
        ),
        (("team", "Wijkteam Charlois", "help", "legal_task", date(2026, 3, 2)),),
        (
            S(
                160,
                "police_registration",
                "Politie",
                (0, 3),
                "Buren klaagden over ruzie. Ter plaatse niets bijzonders, wel een rommelig huis; mevrouw is "
                "hoogzwanger.",
                ("psychological",),
                taken_up=("Wijkteam Charlois",),
            ),
            S(
                40,
                "report",
                "Politie",
                (0, 2, 3),
                "Ex-partner kwam opnieuw onaangekondigd langs om zijn dochter te zien. Dreiging en duwen; "
                "oma belde de politie. Er is geen omgangsregeling.",
                ("physical", "stalking"),
                stalled=("Wijkteam Charlois",),
            ),
            S(
                6,
                "self_referral",
                "Veilig Thuis",
                (0, 2, 4),
                "Oma belt zelf: de dreiging neemt toe, de jongste is erg angstig en heeft heftige "
                "uitbarstingen. Niemand lijkt het op te pakken.",
                ("psychological", "witnessing"),
            ),
        ),
    ),
    H(
        "HH-2026-0007",
        "Zuidplein",
        "9",
        "3083CW",
        (
            P("Yasmina", "", "El Idrissi", date(1994, 1, 30), "victim", "female"),
            P("Karim", "", "El Idrissi", date(1990, 6, 6), "perpetrator", "male"),
            P("Amira", "", "El Idrissi", date(2024, 3, 1), "child", "female"),
        ),
        ((0, 1, "partner"), (0, 2, "parent_of"), (1, 2, "parent_of")),
        (),
        (
            S(
                9,
                "police_registration",
                "Politie",
                (0, 1, 2),
                "Heterdaad: mevrouw met een stoelpoot op het hoofd geslagen terwijl zij de baby (8 maanden) "
                "vasthield. Ruzie over geld; het inkomen gaat op aan wiet en alcohol. Huisverbod van tien "
                "dagen opgelegd.",
                ("physical",),
                acute=True,
                weapon=True,
                taken_up=("Crisisinterventieteam (CIT)",),
            ),
        ),
    ),
    H(
        "HH-2026-0008",
        "Slaghekstraat",
        "61",
        "3074LH",
        (
            P("Fenna", "", "Bosman", date(1989, 8, 14), "victim", "female"),
            P("Gijs", "", "Bosman", date(2016, 5, 5), "child", "male"),
            P("Jasper", "", "Bosman", date(1986, 12, 12), "perpetrator", "male"),
        ),
        ((0, 1, "parent_of"), (2, 1, "parent_of"), (0, 2, "ex_partner")),
        (("team", "Wijkteam Feijenoord", "help", "legal_task", date(2026, 7, 1)),),
        (
            S(
                50,
                "report",
                "Wijkteams",
                (0, 1, 2),
                "Complexe scheiding: vader houdt zich niet aan de omgangsregeling, stuurt tientallen berichten "
                "per dag en dreigt de zoon mee te nemen.",
                ("stalking", "psychological"),
                taken_up=("Wijkteam Feijenoord",),
            ),
        ),
        hidden=0,
        hidden_address=("(opvanglocatie)", "1", "3011AA"),
        disclosed_to=("Arosa", "Veilig Thuis"),
    ),
    H(
        "HH-2026-0009",
        "Mathenesserweg",
        "210",
        "3027HK",
        (
            P("Priya", "", "Ramdin", date(1985, 10, 21), "parent", "female"),
            P("Dev", "", "Ramdin", date(2011, 2, 28), "child", "male"),
        ),
        ((0, 1, "parent_of"),),
        (),
        (
            S(
                3,
                "advice_request",
                "Centraal Onthaal",
                (0, 1),
                "Moeder vraagt advies: de zoon (15) is thuis agressief, slaat met deuren en heeft haar "
                "geduwd. Zij weet niet meer hoe zij de opvoeding volhoudt.",
                ("physical",),
            ),
        ),
    ),
    H(
        "HH-2026-0010",
        "Beijerlandselaan",
        "77",
        "3074EG",
        (
            P("Mirjam", "", "Schouten", date(1982, 4, 4), "parent", "female"),
            P("Kees", "", "Schouten", date(1980, 7, 19), "parent", "male"),
            P("Tess", "", "Schouten", date(2013, 9, 9), "child", "female"),
            P("Luuk", "", "Schouten", date(2015, 11, 23), "child", "male"),
        ),
        (
            (0, 1, "partner"),
            (0, 2, "parent_of"),
            (0, 3, "parent_of"),
            (1, 2, "parent_of"),
            (1, 3, "parent_of"),
        ),
        (("network", ZUID, "help", "covenant", date(2026, 10, 6)),),
        (
            S(
                48,
                "report",
                "Wijkteams",
                (0, 1, 2, 3),
                "Gezin onder druk: vader werkloos, schulden, beide ouders schreeuwen en slaan elkaar over en "
                "weer. De kinderen melden op school dat het thuis niet goed gaat.",
                ("physical", "psychological", "witnessing"),
                taken_up=(ZUID, "Team Onderzoek Zuid"),
            ),
        ),
    ),
    H(
        "HH-2026-0011",
        "Putselaan",
        "150",
        "3073AC",
        (
            P("Oksana", "", "Kovalenko", date(1993, 12, 2), "victim", "female"),
            P("Sofia", "", "Kovalenko", date(2018, 6, 16), "child", "female"),
        ),
        ((0, 1, "parent_of"),),
        (),
        (
            S(
                30,
                "self_referral",
                "Wijkteams",
                (0, 1),
                "Moeder slaapt met haar dochter al drie maanden bij kennissen op de bank na geweld van haar "
                "ex. Niet acuut genoeg voor de vrouwenopvang, niet dakloos genoeg voor de maatschappelijke "
                "opvang.",
                ("physical", "psychological"),
                taken_up=("Team Onderzoek Zuid",),
                stalled=("Wijkteam Feijenoord", ZUID),
            ),
        ),
    ),
    H(
        "HH-2026-0012",
        "Strevelsweg",
        "900",
        "3083LK",
        (
            P("Henk", "", "Mulder", date(1949, 3, 3), "victim", "male"),
            P("Wilma", "", "Mulder", date(1951, 5, 20), "perpetrator", "female"),
        ),
        ((0, 1, "partner"),),
        (),
        (
            S(
                1,
                "report",
                "Wijkteams",
                (0, 1),
                "Mantelzorg ontspoort: mevrouw zorgt alleen voor haar man met dementie, is uitgeput en "
                "knijpt en slaat hem. De thuiszorg zag blauwe plekken.",
                ("physical", "neglect", "elder_abuse"),
            ),
        ),
    ),
    H(
        "HH-2026-0013",
        "Oranjeboomstraat",
        "33",
        "3071SM",
        (
            P("Esra", "", "Yildiz", date(1997, 7, 7), "victim", "female"),
            P("Burak", "", "Yildiz", date(1995, 1, 25), "perpetrator", "male"),
        ),
        ((0, 1, "partner"),),
        (),
        (
            S(
                12,
                "report",
                "Veilig Thuis",
                (0, 1),
                "Zorg over eergerelateerd geweld: mevrouw mag het huis niet alleen uit, haar telefoon wordt "
                "gecontroleerd en de familie dreigt.",
                ("honour", "coercive_control"),
                taken_up=("Team Onderzoek Zuid",),
            ),
        ),
    ),
    H(
        "HH-2026-0014",
        "Vlietlandplein",
        "5",
        "3077AB",
        (
            P("Joyce", "van", "Leeuwen", date(1987, 2, 14), "parent", "female"),
            P("Bas", "van", "Leeuwen", date(2009, 10, 10), "child", "male"),
            P("Eva", "van", "Leeuwen", date(2012, 1, 5), "child", "female"),
        ),
        ((0, 1, "parent_of"), (0, 2, "parent_of"), (1, 2, "sibling")),
        (("team", "Wijkteam IJsselmonde", "help", "consent", date(2026, 4, 20)),),
        (
            S(
                210,
                "advice_request",
                "Wijkteams",
                (0, 1, 2),
                "Moeder met een licht verstandelijke beperking; huishouden en opvoeding lopen vast. "
                "Langdurige ondersteuning nodig.",
                ("neglect",),
                taken_up=("Wijkteam IJsselmonde",),
            ),
        ),
    ),
    H(
        "HH-2026-0015",
        "Kruisplein",
        "20",
        "3012CC",
        (
            P("Lotte", "", "Dekker", date(1998, 3, 18), "victim", "female"),
            P("Thijs", "", "Vermeulen", date(1996, 8, 30), "perpetrator", "male"),
        ),
        ((0, 1, "ex_partner"),),
        (),
        (
            S(
                4,
                "report",
                "Politie",
                (0, 1),
                "Ex-partner staat dagelijks bij haar werk en woning; hij volgt haar via een tracker op haar "
                "fiets.",
                ("stalking", "coercive_control"),
            ),
        ),
    ),
    H(
        "HH-2026-0016",
        "Brede Hilledijk",
        "120",
        "3072MA",
        (
            P("Fatoumata", "", "Diallo", date(1988, 5, 1), "victim", "female"),
            P("Ibrahim", "", "Diallo", date(1983, 9, 9), "perpetrator", "male"),
            P("Awa", "", "Diallo", date(2014, 4, 14), "child", "female"),
            P("Moussa", "", "Diallo", date(2017, 12, 24), "child", "male"),
        ),
        (
            (0, 1, "partner"),
            (0, 2, "parent_of"),
            (0, 3, "parent_of"),
            (1, 2, "parent_of"),
            (1, 3, "parent_of"),
        ),
        (),
        (
            S(
                14,
                "report",
                "Enver",
                (0, 1, 2, 3),
                "School ziet dat Awa (12) bang is om naar huis te gaan en vertelt over slaan met een riem.",
                ("physical", "witnessing"),
            ),
        ),
    ),
    H(
        "HH-2026-0017",
        "Bergweg",
        "75",
        "3036BC",
        (
            P("Rachid", "", "Bouzid", date(1979, 11, 11), "perpetrator", "male"),
            P("Nadia", "", "Bouzid", date(1981, 2, 9), "victim", "female"),
        ),
        ((0, 1, "partner"),),
        (("team", "Wijkteam Noord", "help", "consent", date(2026, 9, 1)),),
        (
            S(
                80,
                "report",
                "Reclassering",
                (0, 1),
                "Tijdens toezicht vertelt meneer over ruzies thuis waarbij hij zijn vrouw heeft geduwd. Hij "
                "wil hulp bij zijn agressie.",
                ("physical",),
                taken_up=("Wijkteam Noord",),
            ),
        ),
    ),
    H(
        "HH-2026-0018",
        "Carnisseweg",
        "41",
        "3084LB",
        (
            P("Chantal", "", "Koster", date(1992, 12, 12), "victim", "female"),
            P("Mike", "", "Koster", date(1990, 4, 27), "perpetrator", "male"),
            P("Jesse", "", "Koster", date(2021, 7, 7), "child", "male"),
        ),
        ((0, 1, "partner"), (0, 2, "parent_of"), (1, 2, "parent_of")),
        (),
        (
            S(
                330,
                "police_registration",
                "Politie",
                (0, 1),
                "Ruzie na het uitgaan; mevrouw geduwd.",
                ("physical",),
                taken_up=("Team Onderzoek Zuid",),
            ),
            S(
                120,
                "police_registration",
                "Politie",
                (0, 1, 2),
                "Opnieuw ruzie, nu met de peuter in huis.",
                ("physical", "witnessing"),
                taken_up=("Team Onderzoek Zuid",),
            ),
            S(
                10,
                "report",
                "Politie",
                (0, 1, 2),
                "Derde melding dit jaar: mevrouw met letsel aan de pols; de peuter was erbij.",
                ("physical", "witnessing"),
            ),
        ),
    ),
    H(
        "HH-2026-0019",
        "Slinge",
        "300",
        "3085EX",
        (
            P("Kim", "", "Hoekstra", date(2007, 6, 3), "victim", "female"),
            P("Gerard", "", "Hoekstra", date(1970, 1, 1), "perpetrator", "male"),
        ),
        ((1, 0, "parent_of"),),
        (),
        (
            S(
                20,
                "report",
                "Fier",
                (0, 1),
                "Jonge vrouw (19) vertelt over jarenlang seksueel misbruik door haar vader; zij woont nog "
                "thuis.",
                ("sexual",),
                taken_up=("Team Onderzoek Zuid",),
            ),
        ),
        hidden=0,
        hidden_address=("(beschermd wonen)", "2", "3012AB"),
        disclosed_to=("Fier",),
    ),
    H(
        "HH-2026-0020",
        "Zwaanshals",
        "12",
        "3035KL",
        (
            P("Sophie", "", "Meijer", date(1984, 9, 19), "parent", "female"),
            P("Daan", "", "Meijer", date(1983, 3, 3), "parent", "male"),
            P("Julia", "", "Meijer", date(2016, 10, 30), "child", "female"),
        ),
        ((0, 1, "ex_partner"), (0, 2, "parent_of"), (1, 2, "parent_of")),
        (("team", "Wijkteam Noord", "help", "consent", date(2026, 2, 1)),),
        (
            S(
                90,
                "advice_request",
                "Wijkteams",
                (0, 1, 2),
                "Vechtscheiding: ouders spreken elkaar alleen via advocaten; de dochter wordt ingezet als "
                "boodschapper en heeft buikpijnklachten.",
                ("psychological",),
                taken_up=("Wijkteam Noord",),
            ),
        ),
    ),
)
# fmt: on
