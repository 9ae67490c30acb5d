"""Every text a model about a household or a person can hold is decided: the sweep blanks it (or deletes
its row), or `retention.erase.KEPT` says why it stays. A new field or model that holds words about people
fails here until it is added to one of them."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from verband.households.models import Household, Person
from verband.retention import erase

TEXT = (models.CharField, models.TextField, models.JSONField)


def about_people() -> set[type[models.Model]]:
    """Household, Person and every model pointing at one of them, directly or through another such model."""
    found: set[type[models.Model]] = {Household, Person}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if (
                model in found
                or not model.__module__.startswith("verband.")
                or model._meta.app_label == "retention"
            ):
                continue
            if any(f.is_relation and f.related_model in found for f in model._meta.fields):
                found.add(model)
                grew = True
    return found


def test_every_text_field_about_people_is_cleared_or_kept_for_a_reason():
    undecided = []
    for model in about_people():
        cleared = erase.cleared_fields(model)
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT) or field.choices:
                continue
            if field.name not in cleared and not erase.kept_reason(model, field.name):
                undecided.append(f"{model._meta.label}.{field.name}")
    assert not undecided, "decide in retention/erase.py whether the sweep clears these: " + ", ".join(
        sorted(undecided)
    )


def test_the_list_names_only_fields_that_exist():
    for label, fields in erase.KEPT.items():
        model = apps.get_model(label)
        assert set(fields) <= {f.name for f in model._meta.concrete_fields}, label
    for rule in [*erase.HOUSEHOLD_RULES, erase.MINUTES, *erase.PERSON_RULES]:
        assert set(rule.values) <= {f.name for f in rule.model._meta.concrete_fields}, rule.key


def test_the_models_it_knows_are_found():
    found = {m._meta.label for m in about_people()}
    assert {
        "signals.SignalPerson",
        "plans.Goal",
        "sharing.EmergencyAccess",
        "collaboration.AgendaItem",
    } <= found
