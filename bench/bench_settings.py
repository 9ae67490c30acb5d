"""Verband's settings plus one bare view (the benchmark's baseline) behind the same middleware."""

from verband.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
