"""Instruments are configuration: the shipped ones load and score, and a region's licensed instrument
(here an example written for this test: 24 yes/no questions, 14 ticks mean high risk) loads from a file
and scores with known answers, without code."""

import pytest

from verband.safety.instrument import InstrumentError, built_in, parse, score

LICENSED = "\n".join(
    [
        "code: voorbeeld-checklist-24",
        "name: Voorbeeldchecklist (24 vragen)",
        'version: "2.1"',
        'licence: "Licentie regio Voorbeeld tot 2027"',
        "scale: [{value: 0, label: Nee}, {value: 1, label: Ja}]",
        "questions:",
        *[f"  - {{id: v{n:02d}, text: 'Voorbeeldvraag {n}'}}" for n in range(1, 25)],
        "scoring:",
        "  method: sum",
        "  bands:",
        "    - {min: 0, level: laag, label: Laag}",
        "    - {min: 8, level: midden, label: Midden}",
        "    - {min: 14, level: hoog, label: Hoog risico, explanation: Veertien of meer aangevinkt.}",
    ]
)


def ticks(n: int) -> dict[str, float]:
    return {f"v{k:02d}": (1 if k <= n else 0) for k in range(1, 25)}


@pytest.mark.parametrize(
    ("ticked", "level"), [(0, "laag"), (7, "laag"), (8, "midden"), (13, "midden"), (14, "hoog"), (24, "hoog")]
)
def test_licensed_checklist_scores_known_answers(ticked, level):
    instrument = parse(LICENSED, name="voorbeeld.yaml")
    result = score(instrument, ticks(ticked))
    assert result.score == ticked and result.level == level and result.complete
    assert result.explanation[0].startswith(f"Score {ticked}:")


def test_unanswered_questions_make_a_lower_bound():
    instrument = parse(LICENSED, name="voorbeeld.yaml")
    answers = {f"v{k:02d}": 1 for k in range(1, 15)}  # 14 ticks, 10 not answered
    result = score(instrument, answers)
    assert result.level == "hoog" and not result.complete and len(result.missing) == 10
    assert "niet beantwoord" in result.explanation[-1]


def test_json_works_as_well():
    import json

    import yaml

    instrument = parse(json.dumps(yaml.safe_load(LICENSED)), name="voorbeeld.json")
    assert score(instrument, ticks(14)).level == "hoog"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (LICENSED.replace("min: 8,", "min: 20,"), "bands"),
        (LICENSED.replace("id: v02,", "id: v01,"), "unique"),
        (LICENSED.replace("method: sum", "method: magic"), "scoring.method"),
        ("code: x\n", "name"),
        ("::: niet: [geldig", "cannot be read"),
    ],
)
def test_invalid_files_are_refused_with_where(text, fragment):
    with pytest.raises(InstrumentError) as exc:
        parse(text, name="fout.yaml")
    assert "fout.yaml" in str(exc.value)
    assert fragment in str(exc.value) or "kan niet worden gelezen" in str(exc.value)


def test_answers_outside_the_scale_are_refused():
    instrument = parse(LICENSED, name="voorbeeld.yaml")
    with pytest.raises(InstrumentError):
        score(instrument, {"v01": 3})
    with pytest.raises(InstrumentError):
        score(instrument, {"v99": 1})


def test_shipped_instruments_load_and_score():
    shipped = {i.code: i for i in built_in()}
    assert set(shipped) == {"neutrale-screening", "balansmodel"}
    screening = score(shipped["neutrale-screening"], {"wurgen": 1, "wapen": 1, "angst": 1, "dreiging": 1})
    assert screening.score == 9 and screening.level == "hoog"
    assert ("wurgen", 3.0) in screening.contributions
    balance = score(shipped["balansmodel"], {"micro-verslaving": 1, "meso-steun": 1, "meso-armoede": 1})
    assert balance.balance["micro"] == {"risk": 1, "protective": 0}
    assert balance.balance["meso"] == {"risk": 1, "protective": 1}
