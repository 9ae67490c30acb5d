"""Verband: the shared workplace of a regional network against domestic violence and child abuse."""
