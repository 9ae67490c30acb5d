"""Ten years of synthetic national data for the steering benchmark (bench/steering.py), written in bulk.

A national network (the 25 Veilig Thuis regions, an organisation of every kind per region, eight
neighbourhood teams per region with their postcode ranges, four networks per region with coverage, the
region's norms and kinds of help, one professional per team and a line manager per organisation) is made
through the ORM; then households from 2017-01-01 to 2026-11-30 are told as stories — one to three episodes
each (a signal opens one; a closing ends it; a report within twelve months after closing is a repeat
report), with the signals (kinds, doors, reporting organisation kinds, citizens and anonymous reporters,
postcodes of the region), activations (taken up within or after their norm, handed back, sent on, updates
seen), involvements with their first contact, safety assessments (most within 5 working days), journal
contact moments, regie with its mandate, help (waiting times with a long tail), handovers (accepted,
refused, bouncing on), escalations (steps 1-4, decided or not), closings (phase, target, scores) and the
household timeline (HouseholdEvent) — and streamed with PostgreSQL COPY into the migrated tables, a
chunk of households at a time. Random with a fixed seed: the same seed gives the same data.

The secondary indexes of the tables written are dropped before the load and made again after it, exactly
as the migrations made them (their definitions are read from pg_indexes first); primary keys and unique
constraints stay. Foreign keys are not checked row by row during the load (session_replication_role =
replica): the generator writes only ids it made; `check_foreign_keys` verifies them after the load."""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

VERSION = 1
START = date(2017, 1, 1)
END = date(2026, 11, 30)  # the last day with data; later planned moments have not happened yet
DAYS = (END - START).days + 1

REGIONS = [
    "Groningen", "Fryslân", "Drenthe", "IJsselland", "Twente", "Noord- en Oost-Gelderland",
    "Gelderland-Midden", "Gelderland-Zuid", "Utrecht", "Noord-Holland-Noord", "Zaanstreek-Waterland",
    "Kennemerland", "Amsterdam-Amstelland", "Gooi en Vechtstreek", "Haaglanden", "Hollands Midden",
    "Rotterdam Rijnmond", "Zuid-Holland-Zuid", "Zeeland", "Midden- en West-Brabant", "Brabant-Noord",
    "Brabant-Zuidoost", "Limburg-Noord", "Limburg-Zuid", "Flevoland",
]  # fmt: skip
PC_WIDTH = 360  # postcodes 1000 + i*360 .. of region i
NEIGHBOURHOOD_TEAMS = 8
NETWORKS = 4
HELP_KINDS = [
    ("Ambulante hulp huiselijk geweld", "wmo", 10), ("Traumabehandeling", "zvw", 20),
    ("Opvoedondersteuning", "jeugdwet", 10), ("Plaats in de opvang", "wmo", 3),
    ("Daderhulp", "forensic", 15), ("Verslavingszorg", "zvw", 15), ("Schuldhulp", "wmo", 10),
    ("Systeemtherapie", "jeugdwet", 20),
]  # fmt: skip

# (kind, share) of reporters: organisation kinds, or None for a citizen / anonymous reporter.
REPORTERS = [
    ("police", 0.36), ("neighbourhood_team", 0.08), ("school", 0.07), ("youth_care", 0.06),
    ("mental_health", 0.04), ("reporting_centre", 0.03), ("youth_protection", 0.03), ("municipality", 0.02),
    ("addiction_care", 0.02), ("probation", 0.02), ("dv_centre", 0.02), ("other", 0.05),
    ("citizen", 0.14), ("anonymous", 0.06),
]  # fmt: skip
SIGNAL_KINDS = [
    ("report", 0.55),
    ("police_registration", 0.3),
    ("advice_request", 0.1),
    ("self_referral", 0.05),
]
FORMS = ["physical", "psychological", "sexual", "neglect", "coercive_control", "stalking", "witnessing"]
PROFILES = ["intimate_terror", "family_stress", "long_term_care", "child_behaviour", "conflict_divorce"]
ESCALATION_KINDS = [
    ("signal_not_accepted", "activation"), ("first_contact_late", "involvement"),
    ("assessment_late", "household"), ("handover_unanswered", "handover"), ("waiting_over_norm", "help"),
    ("no_regisseur", "household"), ("disagreement", "household"), ("mandate_unconfirmed", "regie"),
]  # fmt: skip


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------- calendar


class Calendar:
    """Day numbers from START; working days (weekends and Dutch public holidays) as in verband.workdays."""

    def __init__(self) -> None:
        from verband.workdays import is_working_day

        span = DAYS + 800  # planned moments run past END
        self.day = [START + timedelta(days=i) for i in range(span)]
        self.text = [d.isoformat() for d in self.day]
        working = [is_working_day(d) for d in self.day]
        self.working_days = [i for i, w in enumerate(working) if w]
        self.ordinal = []  # index in working_days of the first working day on or after each day
        n = 0
        for i in range(span):
            while n < len(self.working_days) and self.working_days[n] < i:
                n += 1
            self.ordinal.append(n)
        self.minute = [f" {m // 60:02d}:{m % 60:02d}:00+01" for m in range(1440)]

    def add(self, day: int, working: int) -> int:
        """The day `working` working days after `day` (0: the day itself or the next working day)."""
        return self.working_days[self.ordinal[day] + working]

    def ts(self, day: int, minute: int) -> str:
        return self.text[day] + self.minute[minute]


# ---------------------------------------------------------------------------------------------- network


def build_network(seed: int) -> dict[str, Any]:
    """The national network through the ORM (a few thousand rows); returns the ids the stories use."""
    from django.db import transaction
    from django.utils import timezone

    from verband.accounts.models import User
    from verband.collaboration.models import HelpKind
    from verband.network.models import (
        CoverageArea,
        Membership,
        Network,
        Organisation,
        OrganisationKind,
        Region,
        RegionNorms,
        Role,
        Team,
    )

    now = timezone.now()
    regions: list[dict[str, Any]] = []
    with transaction.atomic():
        for r, name in enumerate(REGIONS):
            region = Region.objects.create(name=f"Veilig Thuis {name}", code=f"vt-{r + 1:02d}")
            RegionNorms.objects.create(region=region)
            low = 1000 + r * PC_WIDTH
            high = 9999 if r == len(REGIONS) - 1 else low + PC_WIDTH - 1
            orgs = {
                kind: Organisation.objects.create(region=region, name=f"{label} {name}", kind=kind)
                for kind, label in OrganisationKind.choices
            }
            teams: dict[str, list[Any]] = {}
            for kind, org in orgs.items():
                count = (
                    NEIGHBOURHOOD_TEAMS if kind == "neighbourhood_team" else 2 if kind == "dv_centre" else 1
                )
                teams[kind] = [
                    Team.objects.create(organisation=org, name=f"Team {n + 1}" if count > 1 else "Team")
                    for n in range(count)
                ]
            width = (high - low + 1) // NEIGHBOURHOOD_TEAMS
            for n, team in enumerate(teams["neighbourhood_team"]):
                top = high if n == NEIGHBOURHOOD_TEAMS - 1 else low + (n + 1) * width - 1
                CoverageArea.objects.create(team=team, postcode_from=low + n * width, postcode_to=top)
            networks = []
            nwidth = (high - low + 1) // NETWORKS
            for n in range(NETWORKS):
                network = Network.objects.create(
                    region=region, name=f"Kernteam {name} {n + 1}", is_pilot=n == 0
                )
                network.organisations.set(
                    [
                        orgs[k]
                        for k in ("neighbourhood_team", "dv_centre", "youth_care", "police", "probation")
                    ]
                )
                top = high if n == NETWORKS - 1 else low + (n + 1) * nwidth - 1
                CoverageArea.objects.create(network=network, postcode_from=low + n * nwidth, postcode_to=top)
                networks.append(network)
            help_kinds = [
                HelpKind.objects.create(
                    region=region, name=kname, default_funding=funding, waiting_norm_working_days=norm,
                    shelter=kname.startswith("Plaats"),
                )
                for kname, funding, norm in HELP_KINDS
            ]  # fmt: skip
            # One professional per team, a line manager per organisation (unusable passwords: nobody signs in).
            staff: dict[int, tuple[int, int]] = {}  # team id -> (user id, membership id)
            managers: dict[int, int] = {}  # organisation id -> line manager's user id
            for kind, org in orgs.items():
                boss = User.objects.create(username=f"lm-{r + 1}-{kind}", password="!", first_name="Lijn")  # noqa: S106 - unusable
                Membership.objects.create(
                    user=boss, organisation=org, role=Role.LINE_MANAGER, approved_at=now
                )
                managers[org.pk] = boss.pk
                for team in teams[kind]:
                    user = User.objects.create(
                        username=f"pro-{r + 1}-{kind}-{team.pk}",
                        password="!",  # noqa: S106
                        first_name="Prof",
                    )
                    m = Membership.objects.create(
                        user=user, organisation=org, team=team, role=Role.PROFESSIONAL, approved_at=now
                    )
                    staff[team.pk] = (user.pk, m.pk)
            regions.append(
                {
                    "id": region.pk, "name": name, "low": low, "high": high,
                    "org": {kind: org.pk for kind, org in orgs.items()},
                    "team_org": {t.pk: t.organisation_id for ts in teams.values() for t in ts},
                    "teams": {kind: [t.pk for t in ts] for kind, ts in teams.items()},
                    "networks": [n.pk for n in networks], "help_kinds": [h.pk for h in help_kinds],
                    "staff": staff, "managers": managers,
                }
            )  # fmt: skip
    return {"regions": regions}


# ---------------------------------------------------------------------------------------------- tables

COLUMNS: dict[str, tuple[str, ...]] = {
    "households_household": ("id", "reference", "region_id", "created_at", "status", "level", "closed_at"),
    "signals_signal": (
        "id", "reference", "region_id", "kind", "channel", "received_at", "status", "routed_at",
        "household_id", "source_organisation_id", "reporter_name", "reporter_function", "reporter_phone",
        "anonymous_to_household", "description", "violence_forms", "children_involved", "children_witness",
        "weapon_mentioned", "acute_danger", "location", "postcode", "request_hash", "recognition_confirmed",
        "repeat_after_closing",
    ),
    "signals_activation": (
        "id", "signal_id", "household_id", "team_id", "network_id", "purpose", "reason", "norm_working_days",
        "due_on", "urgent", "update", "created_at", "status", "decided_at", "decided_by_id", "handback_reason",
        "previous_id",
    ),
    "sharing_involvement": (
        "id", "household_id", "organisation_id", "team_id", "network_id", "purpose", "legal_basis",
        "started_on", "ended_on", "ended_at", "end_reason", "end_note", "created_at", "first_contact_at",
        "organisation_kind", "network_kinds",
    ),
    "safety_safetyassessment": (
        "id", "household_id", "assessed_at", "assessor_name", "organisation_id", "acute", "structural",
        "weighing", "profiles", "phase", "balance", "summary",
    ),
    "journal_journalentry": (
        "id", "household_id", "kind", "occurred_at", "other_participants", "summary", "next_step",
        "visibility", "author_id", "author_name", "organisation_id", "recorded_at", "correction_reason",
    ),
    "plans_regie": (
        "id", "household_id", "user_id", "membership_id", "organisation_id", "mandated_by_id", "mandate_note",
        "mandate_status", "mandate_answered_at", "mandate_answer_note", "started_at", "ended_at", "end_reason",
    ),
    "collaboration_help": (
        "id", "household_id", "kind_id", "provider_id", "funding", "status", "requested_on", "started_on",
        "ended_on", "note", "updated_at",
    ),
    "collaboration_handover": (
        "id", "household_id", "kind", "from_user_id", "from_membership_id", "from_organisation_id", "to_team_id",
        "question", "requested_at", "norm_working_days", "due_on", "status", "decided_at", "decided_by_name",
        "reason",
    ),
    "escalation_escalation": (
        "id", "region_id", "household_id", "kind", "subject_type", "subject_id", "summary", "question",
        "breach_since", "opened_at", "step", "step_due_on", "status", "closed_at", "decided_by_name",
        "decision", "decision_kind",
    ),
    "measures_closing": (
        "id", "household_id", "closed_at", "organisation_id", "phase", "target", "scores", "summary",
        "aftercare_months",
    ),
    "households_householdevent": ("id", "household_id", "at", "kind", "organisation_id", "summary", "signal_id"),
}  # fmt: skip
ORDER = list(COLUMNS)  # parents before children
BIG = ORDER


NULL = "\\N"


def _text(value: Any) -> str:
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Writer:
    """Rows per table for one chunk, written with COPY in FK order at `flush`."""

    def __init__(self) -> None:
        self.rows: dict[str, list[str]] = {t: [] for t in ORDER}
        self.ids: dict[str, int] = dict.fromkeys(ORDER, 0)
        self.counts: dict[str, int] = dict.fromkeys(ORDER, 0)

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def add(self, table: str, values: Iterable[Any]) -> None:
        self.rows[table].append("\t".join(map(_text, values)))

    def flush(self, cursor: Any) -> None:
        for table in ORDER:
            lines = self.rows[table]
            if not lines:
                continue
            cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
            with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                copy.write("\n".join(lines) + "\n")
            self.counts[table] += len(lines)
            lines.clear()


# ---------------------------------------------------------------------------------------------- stories


def pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    x = rng.random()
    for value, share in weighted:
        x -= share
        if x < 0:
            return value
    return weighted[-1][0]


def lognormal_days(rng: random.Random, median: float, sigma: float) -> int:
    return int(rng.lognormvariate(0, sigma) * median)


class Story:
    """Writes one household's ten-year history into the writer."""

    def __init__(self, cal: Calendar, network: dict[str, Any], rng: random.Random, w: Writer) -> None:
        self.cal, self.network, self.rng, self.w = cal, network, rng, w
        self.reporters = [(k, s) for k, s in REPORTERS]
        kinds = [k for k, _ in REPORTERS]
        assert all(k in network["regions"][0]["org"] or k in ("citizen", "anonymous") for k in kinds)

    def event(self, hh: int, day: int, minute: int, kind: str, org: int | None, summary: str, signal: int | None = None) -> None:  # fmt: skip
        w = self.w
        w.ids["households_householdevent"] += 1
        org_text = NULL if org is None else org
        signal_text = NULL if signal is None else signal
        w.rows["households_householdevent"].append(
            f"{w.ids['households_householdevent']}\t{hh}\t{self.cal.ts(day, minute)}\t{kind}\t"
            f"{org_text}\t{summary}\t{signal_text}"
        )

    def household(self, n: int, created: int) -> None:
        rng, cal, w = self.rng, self.cal, self.w
        region = self.network["regions"][rng.randrange(len(REGIONS))]
        hh = w.next_id("households_household")
        postcode = rng.randint(region["low"], region["high"])
        pc_team_index = min(NEIGHBOURHOOD_TEAMS - 1, (postcode - region["low"]) * NEIGHBOURHOOD_TEAMS // (region["high"] - region["low"] + 1))  # fmt: skip
        home_team = region["teams"]["neighbourhood_team"][pc_team_index]
        home_network = region["networks"][min(NETWORKS - 1, (postcode - region["low"]) * NETWORKS // (region["high"] - region["low"] + 1))]  # fmt: skip
        day = created
        level = "network"
        status, closed_ts = "active", None
        episodes = 1 + (rng.random() < 0.4) + (rng.random() < 0.15)
        last_closed: int | None = None
        created_ts = cal.ts(created, rng.randrange(480, 1080))
        for episode in range(episodes):
            if day >= DAYS:
                break
            closed_day, level = self.episode(hh, region, postcode, home_team, home_network, day, episode, last_closed, level)  # fmt: skip
            if closed_day is None:
                status, closed_ts = "active", None
                break
            status, closed_ts = "closed", cal.ts(closed_day, 900)
            last_closed = closed_day
            # Another report: most within a year (a repeat report), some years later.
            gap = lognormal_days(rng, 150, 1.0) if rng.random() < 0.7 else rng.randint(365, 1500)
            day = closed_day + 1 + gap
        w.add("households_household", (hh, f"HH-{n:07d}", region["id"], created_ts, status, level, closed_ts))

    def episode(self, hh: int, region: dict[str, Any], postcode: int, home_team: int, home_network: int, day: int, episode: int, last_closed: int | None, level: str) -> tuple[int | None, str]:  # fmt: skip
        """One episode from the signal that opens it to its closing (None: still open at END)."""
        rng, cal, w = self.rng, self.cal, self.w
        repeat = last_closed is not None and day - last_closed <= 365
        if last_closed is not None:
            self.event(hh, day, 600, "reopened", None, "Opnieuw geopend")
        # Signals of this episode: the first opens it, the others are updates for partners already involved.
        length = 30 + lognormal_days(rng, 120, 0.8)  # days until closing
        close_day = day + length
        extra = int(rng.expovariate(1 / 1.8))
        signal_days = [day, *sorted(day + rng.randrange(1, length) for _ in range(extra))]
        involved_team: int | None = None
        involved_org: int | None = None
        involvement_start: int | None = None
        first_signal_id = None
        for s, sday in enumerate(signal_days):
            if sday >= DAYS:
                break
            sid = self.signal(hh, region, postcode, sday, repeat and s == 0)
            if first_signal_id is None:
                first_signal_id = sid
            if s == 0:
                involved_team, involved_org, involvement_start = self.route(hh, region, home_team, home_network, sid, sday)  # fmt: skip
            elif involved_team is not None:
                self.update(hh, sid, sday, involved_team, region)
        if involved_team is None or involvement_start is None or involvement_start >= DAYS:
            return (None if close_day >= DAYS or involved_team is None else close_day), level
        start = involvement_start
        org = involved_org
        assert org is not None
        user, membership = region["staff"][involved_team]
        closes = close_day < DAYS
        # The involvement with its first contact (norm: 2 working days; a long tail).
        contact_wd = 0 if rng.random() < 0.35 else min(60, int(rng.expovariate(1 / 2.2)))
        contact_day = cal.add(start, contact_wd)
        inv = w.next_id("sharing_involvement")
        w.add("sharing_involvement", (
            inv, hh, org, involved_team, None, "help", "legal_task", cal.text[start],
            cal.text[close_day] if closes else None, cal.ts(close_day, 900) if closes else None,
            "case_closed" if closes else "", "", cal.ts(start, 600), cal.ts(contact_day, 640) if contact_day < DAYS else None,
            "neighbourhood_team" if org == region["org"]["neighbourhood_team"] else "dv_centre", "[]",
        ))  # fmt: skip
        self.event(hh, start, 605, "involved", org, "Partner betrokken")
        # Journal contact moments: the first contact, then every few weeks.
        jday = contact_day
        while jday < min(close_day, DAYS):
            j = w.next_id("journal_journalentry")
            kind = "home_visit" if rng.random() < 0.4 else "phone_call" if rng.random() < 0.7 else "office"
            w.add("journal_journalentry", (
                j, hh, kind, cal.ts(jday, 660), "", "Contactmoment", "", "involved", user, "Prof", org,
                cal.ts(jday, 700), "",
            ))  # fmt: skip
            self.event(hh, jday, 700, "journal", org, "Contactmoment vastgelegd")
            jday += 14 + lognormal_days(rng, 28, 0.6)
        # Safety assessment: most within 5 working days of the signal.
        wd = rng.randint(0, 5) if rng.random() < 0.88 else rng.randint(6, 25)
        aday = cal.add(signal_days[0], wd)
        phase = "direct"
        if aday < DAYS:
            acute = rng.random() < 0.2
            phase = "direct" if acute or rng.random() < 0.5 else "stable"
            a = w.next_id("safety_safetyassessment")
            w.add("safety_safetyassessment", (
                a, hh, cal.ts(aday, 720), "Prof", org, acute, rng.random() < 0.6,
                '{"suspicion": "yes", "unsafety": "yes"}', json.dumps([rng.choice(PROFILES)]), phase, "[]", "",
            ))  # fmt: skip
            self.event(hh, aday, 725, "assessment", org, "Veiligheidstaxatie")
        # Regie: most episodes get a regisseur within a week or two; the line manager confirms the mandate.
        if rng.random() < 0.88:
            rday = cal.add(start, int(rng.expovariate(1 / 4)))
            if rday < DAYS and rday < close_day:
                r = w.next_id("plans_regie")
                answered = cal.add(rday, rng.randint(0, 4))
                w.add("plans_regie", (
                    r, hh, user, membership, org, region["managers"][org], "", "confirmed" if answered < DAYS else "requested",
                    cal.ts(answered, 800) if answered < DAYS else None, "", cal.ts(rday, 780),
                    cal.ts(close_day, 900) if closes else None, "closed" if closes else "",
                ))  # fmt: skip
                self.event(hh, rday, 780, "regie", org, "Regie belegd")
        # Help: zero to three kinds, waiting times with a long tail.
        for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
            kind_index = rng.randrange(len(HELP_KINDS))
            kind_id = region["help_kinds"][kind_index]
            requested = start + rng.randint(2, 30)
            if requested >= DAYS:
                continue
            wait = lognormal_days(rng, 14 if kind_index != 3 else 3, 0.9)
            started = requested + wait if rng.random() < 0.93 else None
            provider_kind = ("dv_centre", "mental_health", "youth_care", "shelter", "forensic_mental_health", "addiction_care", "municipality", "youth_care")[kind_index]  # fmt: skip
            provider = region["teams"][provider_kind][0]
            if started is not None and started < DAYS:
                ended = started + lognormal_days(rng, 90, 0.6)
                status = "ended" if ended < DAYS else "started"
                started_text, ended_text = cal.text[started], cal.text[ended] if ended < DAYS else None
            else:
                status = "no_provider" if started is None else "waiting"
                started_text = ended_text = None
            h = w.next_id("collaboration_help")
            w.add("collaboration_help", (
                h, hh, kind_id, provider, HELP_KINDS[kind_index][1], status, cal.text[requested], started_text,
                ended_text, "", cal.ts(min(requested + wait, DAYS - 1), 900),
            ))  # fmt: skip
            self.event(hh, requested, 820, "help", org, "Hulp aangevraagd")
            if started_text:
                self.event(hh, started, 830, "help", region["team_org"][provider], "Hulp gestart")
        # Handovers: a referral, scaling up or down; some refused and sent on (bouncing).
        if rng.random() < 0.3:
            hday = start + rng.randint(5, 60)
            bounces = 0
            while hday < DAYS and bounces < 4:
                kind = "scale_up" if level == "network" and rng.random() < 0.4 else "scale_down" if level != "network" and rng.random() < 0.5 else "referral"  # fmt: skip
                target_kind = {"scale_up": "dv_centre", "scale_down": "neighbourhood_team"}.get(kind) or rng.choice(("youth_care", "mental_health", "youth_protection", "addiction_care"))  # fmt: skip
                to_team = rng.choice(region["teams"][target_kind])
                if to_team == involved_team:
                    to_team = region["teams"]["youth_care"][0]
                answer_wd = min(40, int(rng.expovariate(1 / 2)))
                answered = cal.add(hday, answer_wd)
                x = rng.random()
                status = (
                    "pending"
                    if answered >= DAYS
                    else "accepted"
                    if x < 0.75
                    else "rejected"
                    if x < 0.93
                    else "withdrawn"
                )
                ho = w.next_id("collaboration_handover")
                w.add("collaboration_handover", (
                    ho, hh, kind, user, membership, org, to_team, "Overdracht", cal.ts(hday, 840), 3,
                    cal.text[cal.add(hday, 3)], status, None if status == "pending" else cal.ts(answered, 860),
                    "", "Geen plek" if status == "rejected" else "",
                ))  # fmt: skip
                self.event(hh, hday, 840, "handover", org, "Overdracht gevraagd")
                if status == "pending":
                    break
                self.event(
                    hh, answered, 860, "handover", region["team_org"][to_team], "Overdracht beantwoord"
                )
                if status == "accepted":
                    if kind == "scale_up":
                        level = "dv_centre"
                    elif kind == "scale_down":
                        level = "network"
                    break
                if status == "withdrawn":
                    break
                bounces += 1
                hday = answered + rng.randint(1, 10)
        # Escalations: a stall climbs the ladder; most are decided at step 1 or 2.
        if rng.random() < 0.12:
            eday = start + rng.randint(3, 40)
            if eday < DAYS:
                kind, subject_type = rng.choice(ESCALATION_KINDS)
                steps = 1 + (rng.random() < 0.35) + (rng.random() < 0.12) + (rng.random() < 0.04)
                decide_wd = min(30, int(rng.expovariate(1 / 2.5)))
                decided = cal.add(eday, decide_wd + 2 * (steps - 1))
                open_now = decided >= DAYS or rng.random() < 0.05
                e = w.next_id("escalation_escalation")
                w.add("escalation_escalation", (
                    e, region["id"], hh, kind, subject_type, e, "Stagnatie", "", cal.text[eday], cal.ts(eday, 480),
                    steps, cal.text[cal.add(eday, 2)], "open" if open_now else "resolved",
                    None if open_now else cal.ts(decided, 900), "" if open_now else "Lijnmanager",
                    "" if open_now else "Actie afgesproken", "" if open_now else "action",
                ))  # fmt: skip
                self.event(hh, eday, 480, "escalation", org, "Escalatie geopend")
                if not open_now:
                    self.event(hh, decided, 900, "escalation", org, "Escalatie besloten")
        # Notes on the timeline (plans, meetings, notes).
        for _ in range(rng.randint(1, 6)):
            nday = start + rng.randrange(max(1, min(close_day, DAYS) - start))
            kind = rng.choice(("note", "plan", "meeting", "note", "member_added"))
            self.event(hh, nday, rng.randrange(480, 1080), kind, org, "Aantekening")
        if not closes:
            return None, level
        c = w.next_id("measures_closing")
        target = 6 if phase == "direct" else 7
        scores = [
            {"person": hh * 4 + k, "score": max(1, min(10, int(rng.gauss(7, 1.6))))}
            for k in range(rng.randint(1, 3))
        ]
        w.add("measures_closing", (
            c, hh, cal.ts(close_day, 900), org, phase, target, json.dumps(scores), "Afgesloten", "[]",
        ))  # fmt: skip
        self.event(hh, close_day, 900, "closed", org, "Afgesloten")
        return close_day, level

    def signal(self, hh: int, region: dict[str, Any], postcode: int, day: int, repeat: bool) -> int:
        rng, cal, w = self.rng, self.cal, self.w
        sid = w.next_id("signals_signal")
        reporter = pick(rng, self.reporters)
        source = region["org"].get(reporter)
        kind = (
            "police_registration" if reporter == "police" else pick(rng, SIGNAL_KINDS[:1] + SIGNAL_KINDS[2:])
        )
        channel = "api" if reporter in ("police", "reporting_centre") else "web"
        minute = rng.randrange(0, 1440) if reporter == "police" else rng.randrange(480, 1080)
        acute = rng.random() < 0.12
        forms = json.dumps(rng.sample(FORMS, rng.randint(1, 2)))
        children = rng.random() < 0.45
        w.add("signals_signal", (
            sid, f"S-{sid:08d}", region["id"], kind, channel, cal.ts(day, minute), "routed", cal.ts(day, min(1439, minute + 3)),
            hh, source, "" if reporter == "anonymous" else "Melder", reporter if source is None else "", "",
            reporter == "anonymous", "Melding", forms, children, children and rng.random() < 0.5, rng.random() < 0.04,
            acute, "", f"{postcode} AB", "", True, repeat,
        ))  # fmt: skip
        self.event(hh, day, minute, "signal", source, "Signaal ontvangen", sid)
        return sid

    def route(self, hh: int, region: dict[str, Any], home_team: int, home_network: int, sid: int, day: int) -> tuple[int | None, int | None, int | None]:  # fmt: skip
        """Activations for the signal that opens an episode: taken up (within or after the norm), handed
        back or sent on to the next party. Returns the team that took it up, its organisation, the day."""
        rng, cal, w = self.rng, self.cal, self.w
        previous = None
        candidates = [home_team, region["teams"]["dv_centre"][0], region["teams"]["neighbourhood_team"][rng.randrange(NEIGHBOURHOOD_TEAMS)]]  # fmt: skip
        for attempt in range(3):
            team = candidates[attempt]
            org = region["team_org"][team]
            network = home_network if attempt == 0 and rng.random() < 0.15 else None
            urgent = rng.random() < 0.1
            norm = 0 if urgent else 2
            a = w.next_id("signals_activation")
            wd = norm + (0 if rng.random() < 0.8 else min(30, 1 + int(rng.expovariate(1 / 3))))
            wd = rng.randint(0, wd) if wd == norm else wd
            decided = cal.add(day, wd)
            x = rng.random() if attempt < 2 else 0.0
            if decided >= DAYS:
                status = "open"
            elif x < 0.9:
                status = "accepted"
            elif x < 0.96:
                status = "handed_back"
            else:
                status = "forwarded"
            user = region["staff"][team][0]
            w.add("signals_activation", (
                a, sid, hh, None if network else team, network, "help", "Nieuw signaal", norm, cal.text[cal.add(day, norm)],
                urgent, False, cal.ts(day, 600), status, None if status == "open" else cal.ts(decided, 660),
                None if status == "open" else user, "Niet onze doelgroep" if status == "handed_back" else "", previous,
            ))  # fmt: skip
            self.event(hh, day, 605, "routed", None, "Partner geactiveerd", sid)
            if status == "open":
                return None, None, None
            kind = {"accepted": "accepted", "handed_back": "handed_back", "forwarded": "rerouted"}[status]
            self.event(hh, decided, 660, kind, org, "Signaal beantwoord", sid)
            if status == "accepted":
                return team, org, decided
            previous = a
            day = decided
        return None, None, None

    def update(self, hh: int, sid: int, day: int, team: int, region: dict[str, Any]) -> None:
        rng, cal, w = self.rng, self.cal, self.w
        a = w.next_id("signals_activation")
        seen = cal.add(day, 0 if rng.random() < 0.7 else rng.randint(1, 6))
        w.add("signals_activation", (
            a, sid, hh, team, None, "help", "Nieuw signaal voor betrokken partner", 1, cal.text[cal.add(day, 1)],
            False, True, cal.ts(day, 600), "acknowledged" if seen < DAYS else "open",
            cal.ts(seen, 700) if seen < DAYS else None, region["staff"][team][0] if seen < DAYS else None, "", None,
        ))  # fmt: skip
        self.event(hh, day, 605, "routed", None, "Update naar betrokken partner", sid)


# ---------------------------------------------------------------------------------------------- load


def secondary_indexes(cursor: Any) -> list[tuple[str, str]]:
    """(name, definition) of the indexes on the big tables that no constraint owns."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.indexname
        """,
        [BIG],
    )
    return list(cursor.fetchall())


def generate(households: int, seed: int, chunk: int = 20000) -> dict[str, int]:
    """Writes everything into Django's (PostgreSQL) database, which has just been migrated and is empty."""
    from django.db import connection

    started = time.perf_counter()
    network = build_network(seed)
    cal = Calendar()
    rng = random.Random(seed)  # noqa: S311
    w = Writer()
    story = Story(cal, network, rng, w)
    # Households appear over ten years, more each year (growth of about 8% a year).
    weights = [1.08 ** (d / 365) for d in range(DAYS)]
    total = sum(weights)
    cumulative: list[float] = []
    running = 0.0
    for x in weights:
        running += x / total
        cumulative.append(running)
    import bisect

    connection.ensure_connection()
    with connection.cursor() as c:
        cursor = c.cursor  # psycopg's own cursor, for COPY
        indexes = secondary_indexes(cursor)
        log(f"dropping {len(indexes)} secondary indexes for the load")
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        days = sorted(bisect.bisect_left(cumulative, rng.random()) for _ in range(households))
        for n, day in enumerate(days, start=1):
            story.household(n, min(day, DAYS - 1))
            if n % chunk == 0 or n == households:
                w.flush(cursor)
                elapsed = time.perf_counter() - started
                log(f"  {n:>9,} households, {w.counts['signals_signal']:>10,} signals, "
                    f"{w.counts['households_householdevent']:>11,} events  ({elapsed:6.0f} s)")  # fmt: skip
        cursor.execute("SET session_replication_role = origin")
        for table in ORDER:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
        log(f"loaded in {time.perf_counter() - started:.0f} s; making {len(indexes)} indexes again")
        for name, definition in indexes:
            t = time.perf_counter()
            cursor.execute(definition)
            log(f"  {name} ({time.perf_counter() - t:.0f} s)")
    return dict(w.counts)


def check_foreign_keys(cursor: Any) -> int:
    """Rows of the tables written whose foreign keys point nowhere (0 is right)."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
        """,
        [BIG],
    )
    bad = 0
    for table, column, target, target_column in cursor.fetchall():
        cursor.execute(
            f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608
            f'(SELECT 1 FROM {target} x WHERE x."{target_column}" = t."{column}")'
        )
        missing = cursor.fetchone()[0]
        if missing:
            log(f"  {table}.{column}: {missing} rows point nowhere")
        bad += missing
    return bad
