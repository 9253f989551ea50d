"""The demo: a seeded synthetic extract, generated and loaded once into the cache folder."""

from __future__ import annotations

from pathlib import Path

from .loader import load
from .synthetic import generate
from .warehouse import cache_folder

DEMO_CONTACTS = 50_000
DEMO_SEED = 7


def demo_database(contacts: int = DEMO_CONTACTS, seed: int = DEMO_SEED, progress=None) -> Path:
    """The demo database: generated and loaded on first use, then reused."""
    folder = cache_folder() / f"demo-{contacts}-{seed}"
    database = cache_folder() / f"demo-{contacts}-{seed}.duckdb"
    if not database.exists():
        if progress:
            progress(f"first run: generating a synthetic demo extract in {folder}")
        generate(folder, contacts=contacts, seed=seed, progress=progress)
        load(folder, database, progress=progress)
    return database
