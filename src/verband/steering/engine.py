"""The indicator engine: plain SQL, one code path for SQLite, PostgreSQL and DuckDB.

`statements(dialect)` returns the SQL that recomputes every indicator from the source tables (read by their
Django table names): it builds temporary fact tables (one row per signal, first assessment, first contact …),
turns them into *items* (`steering_item`: one row per thing counted, with the indicator, its series, the
region, network, organisation, team and area it belongs to, the day that decides its period, a 0/1 `hit`
for shares and a number `x` of working days for medians), and aggregates the items into the store table
`steering_indicatorvalue` for every dimension, grain and period in two set-based statements. `refresh()` runs
them in one transaction on Django's connection. Why SQL strings and not the ORM: docs/decisions/
0012-steering-sql.md.

Portable on purpose:
- Working days and periods come from `steering_calendar` (see `Calendar`), not from date functions.
- Percentiles are nearest-rank: in a group of n values sorted ascending, the median is the value at rank
  ceil(n/2) and the 90th percentile the value at rank ceil(0.9·n), found with ROW_NUMBER() and COUNT(*)
  OVER the same partition (integer arithmetic only: rank·2 >= n, rank·10 >= 9·n).
- The only dialect differences (the local date of a UTC timestamp, the lowest score in a closing's JSON,
  statistics for the planner) are the macros in `Dialect`.

Which organisation, team and network an item belongs to (the dimensions):
- a signal (doors, reporters, repeat reports): the team or network first activated for it (and that team's
  organisation); region = the signal's region; area = the 4-digit postcode the signal gave.
- a safety assessment within the norm: the assessing organisation (the first activated party's
  organisation while none was made), the first activated team and network.
- first contact: the involvement that recorded it; help started and waiting times: the providing team.
- an activation: the activated team and its organisation, or the network.
- a handover or a route: the receiving team and its organisation.
- a closing: the closing organisation; a regie: the involvement that started the household's care.
- escalations: region and area only (an escalation lies with persons, not with one organisation).
The area of anything about a household is the postcode of the household's latest signal — never its
current address (a shelter address must not show up as a count in an area). Areas with fewer households
than the small-cell threshold are merged per region into 'overig:<region id>' ("Overige gebieden")."""

# ruff: noqa: S608 -- the SQL is built from constants: Django table names, a date (isoformat) and an int.
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from verband.workdays import is_working_day

logger = logging.getLogger(__name__)

DialectName = Literal["sqlite", "postgresql", "duckdb"]
DIMENSIONS = ("all", "region", "network", "organisation", "team", "area")
GRAINS = ("month", "quarter", "year")
DEFAULT_NORMS = {"assessment_days": 5, "no_regisseur_days": 5, "waiting_days": 10}


@dataclass(frozen=True)
class Dialect:
    name: DialectName

    def local_date(self, expr: str) -> str:
        """The date in Europe/Amsterdam (TIME_ZONE) of a UTC timestamp."""
        if self.name == "sqlite":
            return f"steering_local_date({expr})"
        if self.name == "postgresql":
            return f"CAST(({expr} AT TIME ZONE '{settings.TIME_ZONE}') AS DATE)"
        return f"CAST(timezone('{settings.TIME_ZONE}', CAST({expr} AS TIMESTAMPTZ)) AS DATE)"

    def min_score(self, column: str) -> str:
        """The lowest `score` in a JSON list like [{"person": 1, "score": 7}] (NULL when empty)."""
        if self.name == "sqlite":
            return (
                f"(SELECT MIN(CAST(json_extract(j.value, '$.score') AS INTEGER)) FROM json_each({column}) j)"
            )
        if self.name == "postgresql":
            return f"(SELECT MIN(CAST(j ->> 'score' AS INTEGER)) FROM jsonb_array_elements({column}) j)"
        return f"list_min(CAST(json_extract(CAST({column} AS JSON), '$[*].score') AS INTEGER[]))"

    def setup(self) -> list[str]:
        # The aggregation sorts and hashes millions of rows: give this transaction the memory for it.
        return ["SET LOCAL work_mem = '256MB'"] if self.name == "postgresql" else []

    def analyze(self, table: str) -> list[str]:
        # PostgreSQL keeps no statistics for a fresh temporary table; without them it guesses the joins.
        return [f"ANALYZE {table}"] if self.name == "postgresql" else []

    def temp_table(self, name: str, select: str) -> list[str]:
        return [f"DROP TABLE IF EXISTS {name}", f"CREATE TEMP TABLE {name} AS {select}", *self.analyze(name)]


# The tables the engine reads (and the two it writes), by the names its SQL uses.
MODELS = {
    "signal": "signals.Signal",
    "activation": "signals.Activation",
    "organisation": "network.Organisation",
    "team": "network.Team",
    "norms": "network.RegionNorms",
    "household": "households.Household",
    "assessment": "safety.SafetyAssessment",
    "involvement": "sharing.Involvement",
    "help": "collaboration.Help",
    "helpkind": "collaboration.HelpKind",
    "handover": "collaboration.Handover",
    "regie": "plans.Regie",
    "transfer": "plans.RegieTransfer",
    "membership": "network.Membership",
    "escalation": "escalation.Escalation",
    "recipient": "escalation.EscalationRecipient",
    "closing": "measures.Closing",
    "network": "network.Network",
    "consultation": "consultation.Consultation",
    "meeting": "collaboration.CaseMeeting",
    "agendaitem": "collaboration.AgendaItem",
    "calendar": "steering.Calendar",
    "value": "steering.IndicatorValue",
}


def _tables() -> dict[str, str]:
    return {key: apps.get_model(label)._meta.db_table for key, label in MODELS.items()}


ITEM_COLUMNS = "indicator, series, region_id, network_id, organisation_id, team_id, area, day, hit, x"


def _facts(d: Dialect, t: dict[str, str], today: date, threshold: int) -> list[str]:
    ld = d.local_date
    sql: list[str] = []
    sql += d.temp_table(
        "steering_today",
        f"SELECT day, workday_no, day_no FROM {t['calendar']} WHERE day = '{today.isoformat()}'",
    )
    # One row per signal: its door, kind of reporter, first activated party and postcode area.
    sql += d.temp_table(
        "steering_f_signal0",
        f"""SELECT s.id AS signal_id, s.household_id, s.region_id, s.received_at,
            {ld("s.received_at")} AS day,
            s.kind || '/' || s.channel AS door,
            CASE WHEN s.source_organisation_id IS NULL THEN 'citizen' ELSE src.kind END AS reporter,
            s.source_organisation_id,
            CASE WHEN s.repeat_after_closing THEN 1 ELSE 0 END AS is_repeat,
            fa.team_id, fa.network_id, tm.organisation_id,
            CASE WHEN LENGTH(REPLACE(s.postcode, ' ', '')) >= 4
                  AND SUBSTR(s.postcode, 1, 4) BETWEEN '1000' AND '9999'
                 THEN SUBSTR(s.postcode, 1, 4) END AS pc4
        FROM {t["signal"]} s
        LEFT JOIN {t["organisation"]} src ON src.id = s.source_organisation_id
        LEFT JOIN (SELECT signal_id, MIN(id) AS first_id FROM {t["activation"]} GROUP BY signal_id) f
            ON f.signal_id = s.id
        LEFT JOIN {t["activation"]} fa ON fa.id = f.first_id
        LEFT JOIN {t["team"]} tm ON tm.id = fa.team_id""",
    )
    # Areas with too few households are merged per region.
    sql += d.temp_table(
        "steering_area",
        f"""SELECT region_id, pc4,
            CASE WHEN COUNT(DISTINCT household_id) >= {threshold} THEN pc4
                 ELSE 'overig:' || CAST(region_id AS VARCHAR) END AS area
        FROM steering_f_signal0 WHERE pc4 IS NOT NULL GROUP BY region_id, pc4""",
    )
    sql += d.temp_table(
        "steering_f_signal",
        """SELECT s.*, a.area FROM steering_f_signal0 s
        LEFT JOIN steering_area a ON a.region_id = s.region_id AND a.pc4 = s.pc4""",
    )
    # A household's area: that of its latest signal; its region: the household's.
    sql += d.temp_table(
        "steering_f_household",
        f"""SELECT h.id AS household_id, h.region_id, s.area
        FROM {t["household"]} h
        LEFT JOIN (SELECT household_id, MAX(signal_id) AS last_id FROM steering_f_signal
                   WHERE household_id IS NOT NULL GROUP BY household_id) l ON l.household_id = h.id
        LEFT JOIN steering_f_signal s ON s.signal_id = l.last_id""",
    )
    # The first safety assessment of the household at or after each signal.
    sql += d.temp_table(
        "steering_f_assessment",
        f"""SELECT signal_id, day, organisation_id FROM (
            SELECT fs.signal_id, {ld("a.assessed_at")} AS day, a.organisation_id,
                ROW_NUMBER() OVER (PARTITION BY fs.signal_id ORDER BY a.assessed_at, a.id) AS rn
            FROM steering_f_signal fs
            JOIN {t["assessment"]} a ON a.household_id = fs.household_id AND a.assessed_at >= fs.received_at
        ) q WHERE rn = 1""",
    )
    # The first contact any involved partner recorded at or after each signal.
    sql += d.temp_table(
        "steering_f_contact",
        f"""SELECT signal_id, day, organisation_id, team_id, network_id FROM (
            SELECT fs.signal_id, {ld("i.first_contact_at")} AS day, i.organisation_id, i.team_id,
                i.network_id,
                ROW_NUMBER() OVER (PARTITION BY fs.signal_id ORDER BY i.first_contact_at, i.id) AS rn
            FROM steering_f_signal fs
            JOIN {t["involvement"]} i ON i.household_id = fs.household_id
                AND i.first_contact_at >= fs.received_at
        ) q WHERE rn = 1""",
    )
    # The first help started on or after the day of each signal.
    sql += d.temp_table(
        "steering_f_helpstart",
        f"""SELECT signal_id, day, team_id, organisation_id FROM (
            SELECT fs.signal_id, h.started_on AS day, h.provider_id AS team_id, tm.organisation_id,
                ROW_NUMBER() OVER (PARTITION BY fs.signal_id ORDER BY h.started_on, h.id) AS rn
            FROM steering_f_signal fs
            JOIN {t["help"]} h ON h.household_id = fs.household_id AND h.started_on >= fs.day
            LEFT JOIN {t["team"]} tm ON tm.id = h.provider_id
        ) q WHERE rn = 1""",
    )
    # Each household's first involvement and first regie.
    sql += d.temp_table(
        "steering_f_care",
        f"""SELECT q.household_id, q.started_on, q.organisation_id, q.team_id, q.network_id,
            r.first_regie_day
        FROM (
            SELECT i.household_id, i.started_on, i.organisation_id, i.team_id, i.network_id,
                ROW_NUMBER() OVER (PARTITION BY i.household_id ORDER BY i.started_on, i.id) AS rn
            FROM {t["involvement"]} i
        ) q
        LEFT JOIN (SELECT household_id, MIN({ld("started_at")}) AS first_regie_day FROM {t["regie"]}
                   GROUP BY household_id) r ON r.household_id = q.household_id
        WHERE q.rn = 1""",
    )
    # Handovers and regie transfers as questions from one organisation to another.
    sql += d.temp_table(
        "steering_f_question",
        f"""SELECT h.id AS question_id, h.kind, h.household_id, h.from_organisation_id AS source_id,
            tm.organisation_id AS target_id, h.to_team_id AS team_id, {ld("h.requested_at")} AS day,
            CASE WHEN h.decided_at IS NULL THEN NULL ELSE {ld("h.decided_at")} END AS decided_day,
            h.status,
            CASE WHEN h.status = 'rejected' AND EXISTS (
                SELECT 1 FROM {t["handover"]} h2 WHERE h2.household_id = h.household_id AND h2.kind = h.kind
                    AND h2.requested_at > h.requested_at AND h2.to_team_id <> h.to_team_id
            ) THEN 1 ELSE 0 END AS bounced
        FROM {t["handover"]} h
        JOIN {t["team"]} tm ON tm.id = h.to_team_id
        UNION ALL
        SELECT rt.id, 'regie_transfer', rt.household_id, fr.organisation_id, m.organisation_id, m.team_id,
            {ld("rt.requested_at")},
            CASE WHEN rt.decided_at IS NULL THEN NULL ELSE {ld("rt.decided_at")} END,
            CASE WHEN rt.status = 'declined' THEN 'rejected' ELSE rt.status END, 0
        FROM {t["transfer"]} rt
        JOIN {t["membership"]} m ON m.id = rt.to_membership_id
        LEFT JOIN {t["regie"]} fr ON fr.id = rt.from_regie_id""",
    )
    return sql


def _items(d: Dialect, t: dict[str, str]) -> list[str]:
    """One INSERT per indicator into `steering_item` (see the module doc)."""
    ld = d.local_date
    today_wn = "(SELECT workday_no FROM steering_today)"
    today_dn = "(SELECT day_no FROM steering_today)"
    norms = f"LEFT JOIN {t['norms']} rn ON rn.region_id = {{region}}"  # the region's time norms, if recorded
    insert = f"INSERT INTO steering_item ({ITEM_COLUMNS})"
    signal_dims = "fs.region_id, fs.network_id, fs.organisation_id, fs.team_id, fs.area, fs.day"
    out = [
        # Signals by door (kind of signal and channel) and by kind of reporter.
        f"{insert} SELECT 'signals_by_door', fs.door, {signal_dims}, NULL, NULL FROM steering_f_signal fs",
        f"{insert} SELECT 'signals_by_reporter', fs.reporter, {signal_dims}, NULL, NULL "
        "FROM steering_f_signal fs",
        # Repeat reports: signals for a household closed less than 12 months before.
        f"{insert} SELECT 'repeat_signals', NULL, {signal_dims}, NULL, NULL FROM steering_f_signal fs "
        "WHERE fs.is_repeat = 1",
        # Safety assessment within the region's norm (default 5) working days after the signal.
        f"""{insert} SELECT 'assessment_within_norm', NULL, fs.region_id, fs.network_id,
            COALESCE(fa.organisation_id, fs.organisation_id), fs.team_id, fs.area, fs.day,
            CASE WHEN fa.day IS NOT NULL
                  AND ca.workday_no - cs.workday_no <= COALESCE(rn.assessment_days, 5) THEN 1 ELSE 0 END,
            NULL
        FROM steering_f_signal fs
        JOIN {t["calendar"]} cs ON cs.day = fs.day
        LEFT JOIN steering_f_assessment fa ON fa.signal_id = fs.signal_id
        LEFT JOIN {t["calendar"]} ca ON ca.day = fa.day
        {norms.format(region="fs.region_id")}
        WHERE fs.household_id IS NOT NULL
          AND (fa.day IS NOT NULL OR {today_wn} - cs.workday_no > COALESCE(rn.assessment_days, 5))""",
        # Working days from the signal to the first contact.
        f"""{insert} SELECT 'signal_to_first_contact', NULL, fs.region_id, fc.network_id, fc.organisation_id,
            fc.team_id, fs.area, fs.day, NULL, cc.workday_no - cs.workday_no
        FROM steering_f_signal fs
        JOIN steering_f_contact fc ON fc.signal_id = fs.signal_id
        JOIN {t["calendar"]} cs ON cs.day = fs.day
        JOIN {t["calendar"]} cc ON cc.day = fc.day""",
        # Working days from the signal to the first help started.
        f"""{insert} SELECT 'signal_to_help', NULL, fs.region_id, fs.network_id, fh.organisation_id,
            fh.team_id, fs.area, fs.day, NULL, ch.workday_no - cs.workday_no
        FROM steering_f_signal fs
        JOIN steering_f_helpstart fh ON fh.signal_id = fs.signal_id
        JOIN {t["calendar"]} cs ON cs.day = fs.day
        JOIN {t["calendar"]} ch ON ch.day = fh.day""",
        # Activations (not updates) taken up by their due date; handed back or not taken up when due
        # count as missed; those sent on by the routing desk are left out.
        f"""{insert} SELECT 'activation_in_time', NULL, s.region_id, a.network_id, tm.organisation_id, a.team_id,
            s.area, {ld("a.created_at")},
            CASE WHEN a.status = 'accepted' AND {ld("a.decided_at")} <= a.due_on THEN 1 ELSE 0 END, NULL
        FROM {t["activation"]} a
        JOIN steering_f_signal s ON s.signal_id = a.signal_id
        LEFT JOIN {t["team"]} tm ON tm.id = a.team_id
        WHERE NOT a."update" AND a.status IN ('open', 'accepted', 'handed_back')
          AND (a.status <> 'open' OR a.due_on < (SELECT day FROM steering_today))""",
        # Waiting for help: requested → started, per kind of help (help that started, by its start).
        f"""{insert} SELECT 'help_wait', k.name, k.region_id, NULL, tm.organisation_id, h.provider_id,
            fh.area, h.started_on, NULL, cb.workday_no - ca.workday_no
        FROM {t["help"]} h
        JOIN {t["helpkind"]} k ON k.id = h.kind_id
        LEFT JOIN {t["team"]} tm ON tm.id = h.provider_id
        LEFT JOIN steering_f_household fh ON fh.household_id = h.household_id
        JOIN {t["calendar"]} ca ON ca.day = h.requested_on
        JOIN {t["calendar"]} cb ON cb.day = h.started_on
        WHERE h.started_on IS NOT NULL""",
        # Help started within the kind's waiting norm (else the region's), by the day it was requested;
        # help not started counts once its norm has passed.
        f"""{insert} SELECT 'help_within_norm', k.name, k.region_id, NULL, tm.organisation_id, h.provider_id,
            fh.area, h.requested_on,
            CASE WHEN cb.workday_no - ca.workday_no
                      <= COALESCE(k.waiting_norm_working_days, rn.waiting_days, 10) THEN 1 ELSE 0 END,
            NULL
        FROM {t["help"]} h
        JOIN {t["helpkind"]} k ON k.id = h.kind_id
        LEFT JOIN {t["team"]} tm ON tm.id = h.provider_id
        LEFT JOIN steering_f_household fh ON fh.household_id = h.household_id
        {norms.format(region="k.region_id")}
        JOIN {t["calendar"]} ca ON ca.day = h.requested_on
        LEFT JOIN {t["calendar"]} cb ON cb.day = h.started_on
        WHERE h.started_on IS NOT NULL
           OR {today_wn} - ca.workday_no > COALESCE(k.waiting_norm_working_days, rn.waiting_days, 10)""",
        # Households without a regisseur within the norm after their first involvement.
        f"""{insert} SELECT 'no_regisseur', NULL, fh.region_id, c.network_id, c.organisation_id, c.team_id,
            fh.area, c.started_on, NULL, NULL
        FROM steering_f_care c
        JOIN steering_f_household fh ON fh.household_id = c.household_id
        JOIN {t["calendar"]} cs ON cs.day = c.started_on
        LEFT JOIN {t["calendar"]} cr ON cr.day = c.first_regie_day
        {norms.format(region="fh.region_id")}
        WHERE (cr.day IS NULL AND {today_wn} - cs.workday_no > COALESCE(rn.no_regisseur_days, 5))
           OR cr.workday_no - cs.workday_no > COALESCE(rn.no_regisseur_days, 5)""",
        # Escalations that reached a step (its first recipient at that step), by step.
        f"""{insert} SELECT 'escalations_reached', CAST(r.step AS VARCHAR), e.region_id, NULL, NULL, NULL,
            fh.area, {ld("r.reached_at")}, NULL, NULL
        FROM (SELECT escalation_id, step, MIN(reached_at) AS reached_at FROM {t["recipient"]}
              GROUP BY escalation_id, step) r
        JOIN {t["escalation"]} e ON e.id = r.escalation_id
        LEFT JOIN steering_f_household fh ON fh.household_id = e.household_id""",
        # Escalations decided, by the step at which they were decided, and the working days it took.
        f"""{insert} SELECT 'escalations_decided', CAST(e.step AS VARCHAR), e.region_id, NULL, NULL, NULL,
            fh.area, {ld("e.closed_at")}, NULL, NULL
        FROM {t["escalation"]} e
        LEFT JOIN steering_f_household fh ON fh.household_id = e.household_id
        WHERE e.status = 'resolved' AND e.closed_at IS NOT NULL""",
        f"""{insert} SELECT 'escalation_decision_days', CAST(e.step AS VARCHAR), e.region_id, NULL, NULL, NULL,
            fh.area, {ld("e.closed_at")}, NULL, cc.workday_no - co.workday_no
        FROM {t["escalation"]} e
        LEFT JOIN steering_f_household fh ON fh.household_id = e.household_id
        JOIN {t["calendar"]} co ON co.day = {ld("e.opened_at")}
        JOIN {t["calendar"]} cc ON cc.day = {ld("e.closed_at")}
        WHERE e.status = 'resolved' AND e.closed_at IS NOT NULL""",
        # Handovers by outcome; refused and bouncing among those answered.
        f"""{insert} SELECT 'handovers', q.status, fh.region_id, NULL, q.target_id, q.team_id, fh.area, q.day,
            NULL, NULL
        FROM steering_f_question q JOIN steering_f_household fh ON fh.household_id = q.household_id
        WHERE q.kind <> 'regie_transfer'""",
        f"""{insert} SELECT 'handover_refused', NULL, fh.region_id, NULL, q.target_id, q.team_id, fh.area,
            q.day, CASE WHEN q.status = 'rejected' THEN 1 ELSE 0 END, NULL
        FROM steering_f_question q JOIN steering_f_household fh ON fh.household_id = q.household_id
        WHERE q.kind <> 'regie_transfer' AND q.status IN ('accepted', 'rejected')""",
        f"""{insert} SELECT 'handover_bounced', NULL, fh.region_id, NULL, q.target_id, q.team_id, fh.area,
            q.day, q.bounced, NULL
        FROM steering_f_question q JOIN steering_f_household fh ON fh.household_id = q.household_id
        WHERE q.kind <> 'regie_transfer' AND q.status IN ('accepted', 'rejected')""",
        # Closings followed by a new signal within 365 days (counted once the year has passed, or sooner
        # when the signal came).
        # (The first signal after each closing, found with one join and GROUP BY: a correlated EXISTS per
        # closing is a scan of every signal per closing on PostgreSQL — O(closings x signals).)
        f"""{insert} SELECT 'repeat_within_year', NULL, fh.region_id, NULL, c.organisation_id, NULL, fh.area,
            cd.day,
            CASE WHEN nx.first_day_no - cd.day_no <= 365 THEN 1 ELSE 0 END,
            NULL
        FROM {t["closing"]} c
        JOIN steering_f_household fh ON fh.household_id = c.household_id
        JOIN {t["calendar"]} cd ON cd.day = {ld("c.closed_at")}
        LEFT JOIN (
            SELECT c2.id AS closing_id, MIN(cs.day_no) AS first_day_no
            FROM {t["closing"]} c2
            JOIN steering_f_signal s ON s.household_id = c2.household_id AND s.received_at > c2.closed_at
            JOIN {t["calendar"]} cs ON cs.day = s.day
            GROUP BY c2.id
        ) nx ON nx.closing_id = c.id
        WHERE {today_dn} - cd.day_no > 365 OR nx.first_day_no - cd.day_no <= 365""",
        # Closings where every member's closing score reached the phase's target.
        f"""{insert} SELECT 'target_met_at_closing', NULL, fh.region_id, NULL, c.organisation_id, NULL,
            fh.area, {ld("c.closed_at")},
            CASE WHEN {d.min_score("c.scores")} >= c.target THEN 1 ELSE 0 END, NULL
        FROM {t["closing"]} c
        JOIN steering_f_household fh ON fh.household_id = c.household_id
        WHERE {d.min_score("c.scores")} IS NOT NULL""",
    ]
    # Consultations asked of a network's consultation function (Kompas: "consultatiefunctie benut").
    out.append(
        f"""{insert} SELECT 'consultations', NULL, n.region_id, c.network_id, c.organisation_id, NULL, fh.area,
            {ld("c.asked_at")}, NULL, NULL
        FROM {t["consultation"]} c
        JOIN {t["network"]} n ON n.id = c.network_id
        LEFT JOIN steering_f_household fh ON fh.household_id = c.household_id"""
    )
    # Households discussed in a held case meeting with an experience expert taking part.
    out.append(
        f"""{insert} SELECT 'discussed_with_experience_expert', NULL, m.region_id, m.network_id, NULL, NULL,
            fh.area, {ld("m.held_at")}, NULL, NULL
        FROM {t["agendaitem"]} a
        JOIN {t["meeting"]} m ON m.id = a.meeting_id
        LEFT JOIN steering_f_household fh ON fh.household_id = a.household_id
        WHERE m.status = 'held' AND m.held_at IS NOT NULL AND m.experience_expert_id IS NOT NULL"""
    )
    # The routes: who activates, refers, scales and transfers regie to whom (series 'kind|source|target',
    # organisation ids; 0 = a citizen or anonymous reporter, or a network).
    # Routes are stored for the region and network (and in total) only: a connection between two
    # organisations is shown to each of them from the region's rows (`selectors.routes`).
    route_dims = "fh.region_id, NULL, NULL, NULL, NULL, q.day"
    questions = "steering_f_question q JOIN steering_f_household fh ON fh.household_id = q.household_id"
    route_series = (
        "q.kind || '|' || CAST(COALESCE(q.source_id, 0) AS VARCHAR) || '|' || "
        "CAST(COALESCE(q.target_id, 0) AS VARCHAR)"
    )
    out += [
        f"{insert} SELECT 'route_count', {route_series}, {route_dims}, NULL, NULL FROM {questions}",
        f"""{insert} SELECT 'route_refused', {route_series}, {route_dims},
            CASE WHEN q.status = 'rejected' THEN 1 ELSE 0 END, NULL
        FROM {questions} WHERE q.status IN ('accepted', 'rejected')""",
        f"""{insert} SELECT 'route_bounced', {route_series}, {route_dims}, q.bounced, NULL
        FROM {questions} WHERE q.status IN ('accepted', 'rejected')""",
        f"""{insert} SELECT 'route_wait', {route_series}, {route_dims}, NULL, cb.workday_no - ca.workday_no
        FROM {questions}
        JOIN {t["calendar"]} ca ON ca.day = q.day JOIN {t["calendar"]} cb ON cb.day = q.decided_day""",
    ]
    # Activations as routes: from the reporter's organisation (0: citizen) to the activated party.
    activation_series = (
        "'activation|' || CAST(COALESCE(s.source_organisation_id, 0) AS VARCHAR) || '|' || "
        "CAST(COALESCE(tm.organisation_id, 0) AS VARCHAR)"
    )
    activations = f"""{t["activation"]} a JOIN steering_f_signal s ON s.signal_id = a.signal_id
        LEFT JOIN {t["team"]} tm ON tm.id = a.team_id"""
    act_dims = f"s.region_id, a.network_id, NULL, NULL, NULL, {ld('a.created_at')}"
    decided = "a.status IN ('accepted', 'handed_back', 'forwarded')"
    out += [
        f"{insert} SELECT 'route_count', {activation_series}, {act_dims}, NULL, NULL FROM {activations} "
        'WHERE NOT a."update"',
        f"""{insert} SELECT 'route_refused', {activation_series}, {act_dims},
            CASE WHEN a.status = 'accepted' THEN 0 ELSE 1 END, NULL
        FROM {activations} WHERE NOT a."update" AND {decided}""",
        f"""{insert} SELECT 'route_bounced', {activation_series}, {act_dims},
            CASE WHEN a.status = 'handed_back' AND EXISTS (
                SELECT 1 FROM {t["activation"]} a2 WHERE a2.previous_id = a.id) THEN 1 ELSE 0 END, NULL
        FROM {activations} WHERE NOT a."update" AND {decided}""",
        f"""{insert} SELECT 'route_wait', {activation_series}, {act_dims}, NULL, cb.workday_no - ca.workday_no
        FROM {activations}
        JOIN {t["calendar"]} ca ON ca.day = {ld("a.created_at")}
        JOIN {t["calendar"]} cb ON cb.day = {ld("a.decided_at")}
        WHERE NOT a."update" AND {decided} AND a.decided_at IS NOT NULL""",
    ]
    return out


def _union(values: tuple[str, ...], column: str) -> str:
    return " UNION ALL ".join(f"SELECT '{v}' AS {column}" for v in values)


DIMENSION_COLUMNS = {
    "all": "''",
    "region": "CAST(i.region_id AS VARCHAR)",
    "network": "CAST(i.network_id AS VARCHAR)",
    "organisation": "CAST(i.organisation_id AS VARCHAR)",
    "team": "CAST(i.team_id AS VARCHAR)",
    "area": "i.area",
}


def _aggregate(d: Dialect, t: dict[str, str]) -> list[str]:
    """Every item counts in its series and in the total ('' series), in every dimension it has a unit in,
    for every grain. In two stages, so that no statement handles items x dimensions x grains x series rows:
    first per dimension and month (`steering_agg_count`: hits and items; `steering_agg_x`: how many items
    have each number of working days), then months added up to quarters and years and series to their total
    ('' series). Medians and 90th percentiles are nearest-rank, from the running count over the working days
    in ascending order: the smallest x whose running count reaches half (nine tenths) of the group."""

    def per_dimension(with_x: bool) -> str:
        parts = []
        for dimension, column in DIMENSION_COLUMNS.items():
            x = "i.x, " if with_x else ""
            group = "" if dimension == "all" else f"{column}, "  # PostgreSQL groups by no constant
            measures = "COUNT(*) AS cnt" if with_x else "SUM(i.hit) AS hits, COUNT(*) AS cnt"
            parts.append(
                f"""SELECT i.indicator, i.series, '{dimension}' AS dimension, {column} AS dimension_id,
                c.month, c.quarter, c.year, {x}MIN(i.region_id) AS region_id, {measures}
            FROM steering_item i JOIN {t["calendar"]} c ON c.day = i.day
            WHERE i.x IS {"NOT " if with_x else ""}NULL AND {column} IS NOT NULL
            GROUP BY i.indicator, i.series, {group}c.month, c.quarter, c.year{", i.x" if with_x else ""}"""
            )
        return " UNION ALL ".join(parts)

    def expanded(table: str, extra: str) -> str:
        return f"""SELECT m.indicator, CASE sr.k WHEN 0 THEN '' ELSE m.series END AS series, m.dimension,
            m.dimension_id, gr.grain,
            CASE gr.grain WHEN 'month' THEN m.month WHEN 'quarter' THEN m.quarter ELSE m.year END AS period,
            m.region_id, {extra}
        FROM {table} m
        CROSS JOIN ({_union(GRAINS, "grain")}) gr
        CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 AS k) sr
        WHERE (sr.k = 0 OR m.series IS NOT NULL)"""

    keys = "indicator, series, dimension, dimension_id, grain, period"
    columns = f"{keys}, region_id, numerator, denominator, value, p90, n"
    return [
        *d.temp_table("steering_agg_count", per_dimension(with_x=False)),
        *d.temp_table("steering_agg_x", per_dimension(with_x=True)),
        f"""INSERT INTO {t["value"]} ({columns})
        SELECT {keys}, MIN(region_id), SUM(hits), SUM(cnt),
            CASE WHEN SUM(hits) IS NULL THEN SUM(cnt) ELSE 100.0 * SUM(hits) / SUM(cnt) END, NULL, SUM(cnt)
        FROM ({expanded("steering_agg_count", "m.hits, m.cnt")}) e
        GROUP BY {keys}""",
        f"""INSERT INTO {t["value"]} ({columns})
        SELECT {keys}, MIN(region_id), NULL, MAX(total),
            MIN(CASE WHEN running * 2 >= total THEN x END), MIN(CASE WHEN running * 10 >= total * 9 THEN x END),
            MAX(total)
        FROM (
            SELECT g.*,
                SUM(cnt) OVER (PARTITION BY {keys} ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                    AS running,
                SUM(cnt) OVER (PARTITION BY {keys}) AS total
            FROM (
                SELECT {keys}, x, MIN(region_id) AS region_id, SUM(cnt) AS cnt
                FROM ({expanded("steering_agg_x", "m.x, m.cnt")}) e
                GROUP BY {keys}, x
            ) g
        ) w
        GROUP BY {keys}""",
    ]


def statements(dialect: DialectName, *, today: date | None = None, threshold: int | None = None) -> list[str]:
    """The SQL that recomputes the whole store, in order, for `dialect`. The calendar must cover every
    day in the data and `today` (`fill_calendar`)."""
    d = Dialect(dialect)
    t = _tables()
    today = today or timezone.localdate()
    threshold = threshold if threshold is not None else settings.SMALL_CELL_THRESHOLD
    sql = d.setup() + _facts(d, t, today, threshold)
    sql += [
        "DROP TABLE IF EXISTS steering_item",
        "CREATE TEMP TABLE steering_item (indicator VARCHAR(60), series VARCHAR(120), region_id INTEGER, "
        "network_id INTEGER, organisation_id INTEGER, team_id INTEGER, area VARCHAR(40), day DATE, "
        "hit INTEGER, x INTEGER)",
    ]
    sql += _items(d, t)
    sql += d.analyze("steering_item")
    sql += [f"DELETE FROM {t['value']}"]
    sql += _aggregate(d, t)
    return sql


# --- The calendar -------------------------------------------------------------------------------------

CALENDAR_START = date(2000, 1, 1)


def calendar_rows(first: date, last: date) -> list[tuple[date, bool, int, int, str, str, str]]:
    """(day, is_workday, workday_no, day_no, month, quarter, year) from CALENDAR_START to `last`; see
    `Calendar`. Always from CALENDAR_START so the numbers never change when the calendar grows."""
    rows = []
    day = CALENDAR_START
    workdays = 0  # working days before `day`
    while day <= last:
        workday = is_working_day(day)
        if day >= first:
            rows.append(
                (
                    day,
                    workday,
                    workdays + 1,  # the first working day on or after `day`
                    (day - CALENDAR_START).days,
                    f"{day:%Y-%m}",
                    f"{day.year}-Q{(day.month - 1) // 3 + 1}",
                    f"{day.year}",
                )
            )
        if workday:
            workdays += 1
        day += timedelta(days=1)
    return rows


def fill_calendar(last: date) -> None:
    """Make `steering_calendar` run to the end of `last`'s year (plus one year for norms running on)."""
    from verband.steering.models import Calendar

    end = date(last.year + 1, 12, 31)
    have = Calendar.objects.order_by("-day").values_list("day", flat=True).first()
    if have is not None and have >= end:
        return
    first = CALENDAR_START if have is None else have + timedelta(days=1)
    Calendar.objects.bulk_create(
        [
            Calendar(
                day=r[0], is_workday=r[1], workday_no=r[2], day_no=r[3], month=r[4], quarter=r[5], year=r[6]
            )
            for r in calendar_rows(first, end)
        ],
        batch_size=2000,
    )


# --- SQLite: the local date as a function on the connection --------------------------------------------


def sqlite_local_date(value: str | None) -> str | None:
    """Django stores aware datetimes in SQLite as UTC text ('2026-04-24 08:00:00[.ffffff]')."""
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date().isoformat()


def register_sqlite_functions(sender: object, connection: object, **kwargs: object) -> None:
    if getattr(connection, "vendor", "") == "sqlite":
        connection.connection.create_function(  # type: ignore[attr-defined]
            "steering_local_date", 1, sqlite_local_date, deterministic=True
        )


# --- Refresh --------------------------------------------------------------------------------------------


def refresh(today: date | None = None) -> int:
    """Recompute the whole store in one transaction (delete + insert) and record the run; the number of
    stored values."""
    from verband.steering.models import IndicatorValue, RefreshRun

    today = today or timezone.localdate()
    run = RefreshRun.objects.create(started_at=timezone.now())
    began = time.monotonic()
    vendor = connection.vendor
    dialect: DialectName = "postgresql" if vendor == "postgresql" else "sqlite"
    fill_calendar(max(today, _last_day()))
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements(dialect, today=today):
            cursor.execute(statement)
        rows = IndicatorValue.objects.count()
    run.finished_at = timezone.now()
    run.rows = rows
    run.seconds = time.monotonic() - began
    run.save(update_fields=["finished_at", "rows", "seconds"])
    logger.info("Steering refresh: %s values in %.1f s", rows, run.seconds)
    return rows


def _last_day() -> date:
    """The latest date any source table may hold (so the calendar covers it)."""
    from verband.signals.models import Signal

    latest = Signal.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    return timezone.localdate(latest) if latest else timezone.localdate()
