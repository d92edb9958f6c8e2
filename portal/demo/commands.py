"""``portal demo``: a deterministic demo population loaded through ingestion."""

from __future__ import annotations

import click


@click.command()
@click.option("--persons", default=200, show_default=True, type=int)
@click.option("--seed", default=1, show_default=True, type=int)
def demo(persons: int, seed: int) -> None:
    """Generate and load a demo population."""
    raise click.ClickException("not implemented yet")
