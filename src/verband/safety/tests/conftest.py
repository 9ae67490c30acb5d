"""The shielded family (Anna, Bram, Dirk; probation for Dirk only) for the shielding tests."""

from verband.collaboration.tests.shielded_family import family, shielded  # noqa: F401  (fixtures)
