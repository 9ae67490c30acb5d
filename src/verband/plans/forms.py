"""Reading the plan form. The form has numbered rows for goals, agreements and actions; a row without
text is left out (an existing goal, agreement or action emptied is removed from the plan); rows carry the
item's id, so items keep their identity (and their shields) across saves. What the user typed is kept as
`rows` so a refused save shows it again unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from verband.plans.models import ActionStatus, FamilyPlan
from verband.plans.services import ActionInput, AgreementInput, GoalInput, PlanInput

MAX_ROWS = 60
BLANK_ROWS = 3


@dataclass
class PlanForm:
    values: dict[str, Any]
    goals: list[dict[str, str]]
    agreements: list[dict[str, str]]
    actions: list[dict[str, str]]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def with_blank_rows(self) -> PlanForm:
        self.goals += [{"id": "", "text": "", "for": ""} for _i in range(BLANK_ROWS)]
        self.agreements += [{"id": "", "text": "", "for": "", "by": ""} for _i in range(BLANK_ROWS)]
        self.actions += [
            {"id": "", "text": "", "for": "", "org": "", "user": "", "due": "", "status": "open"}
            for _i in range(BLANK_ROWS)
        ]
        return self


def initial(plan: FamilyPlan) -> PlanForm:
    return PlanForm(
        values={
            "status": plan.status,
            "household_wishes": plan.household_wishes,
            "household_agreement": plan.household_agreement,
            "agreement_note": plan.agreement_note,
        },
        goals=[{"id": str(g.pk), "text": g.text, "for": str(g.person_id or "")} for g in plan.goals.all()],
        agreements=[
            {"id": str(a.pk), "text": a.text, "for": str(a.person_id or ""), "by": str(a.monitored_by_id)}
            for a in plan.agreements.all()
        ],
        actions=[
            {
                "id": str(a.pk),
                "text": a.text,
                "for": str(a.person_id or ""),
                "org": str(a.owner_organisation_id),
                "user": str(a.owner_user_id or ""),
                "due": a.due_on.isoformat(),
                "status": a.status,
            }
            for a in plan.actions.all()
        ],
    ).with_blank_rows()


def _rows(post: QueryDict, prefix: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    rows = []
    for i in range(MAX_ROWS):
        row = {key: post.get(f"{prefix}-{i}-{key}", "") for key in keys}
        if any(row.values()):
            rows.append(row)
    return rows


def _int(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise ValueError(value)
    return int(value)


def read(post: QueryDict) -> tuple[PlanForm, PlanInput | None]:
    form = PlanForm(
        values={
            key: post.get(key, "")[:5000]
            for key in ("status", "household_wishes", "household_agreement", "agreement_note")
        },
        goals=_rows(post, "goal", ("id", "text", "for")),
        agreements=_rows(post, "agr", ("id", "text", "for", "by")),
        actions=_rows(post, "act", ("id", "text", "for", "org", "user", "due", "status")),
    )
    data = PlanInput(
        status=form.values["status"],
        household_wishes=form.values["household_wishes"],
        household_agreement=form.values["household_agreement"],
        agreement_note=form.values["agreement_note"],
    )
    try:
        data.goals = [
            GoalInput(r["text"], _int(r["for"]), id=_int(r["id"])) for r in form.goals if r["text"].strip()
        ]
        for row in form.agreements:
            if not row["text"].strip():
                continue
            by = _int(row["by"])
            if by is None:
                form.errors.setdefault("agreements", []).append(_("Choose who monitors each agreement."))
                continue
            data.agreements.append(AgreementInput(row["text"], by, _int(row["for"]), id=_int(row["id"])))
        for row in form.actions:
            if not row["text"].strip():
                continue
            owner = _int(row["org"])
            try:
                due = date.fromisoformat(row["due"].strip())
            except ValueError:
                form.errors.setdefault("actions", []).append(
                    _("Give each action a due date (day-month-year).")
                )
                continue
            if owner is None:
                form.errors.setdefault("actions", []).append(_("Choose the owner of each action."))
                continue
            data.actions.append(
                ActionInput(
                    text=row["text"],
                    owner_organisation_id=owner,
                    due_on=due,
                    status=row["status"] or ActionStatus.OPEN,
                    owner_user_id=_int(row["user"]),
                    person_id=_int(row["for"]),
                    id=_int(row["id"]),
                )
            )
    except ValueError:
        form.errors.setdefault("__all__", []).append(_("The form contains a value Verband cannot read."))
    return form, (None if form.errors else data)
