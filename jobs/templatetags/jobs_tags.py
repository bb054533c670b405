"""What the jobs pages show of a stored run: its job's title and its counts as labelled
figures (jobs.registry declares both beside the job)."""

from __future__ import annotations

from typing import Any

from django import template

from ..registry import figures_shown, job_spec_or_none

register = template.Library()


@register.filter
def job_title(name: str) -> str:
    """A run's job as people read it; a job no longer registered keeps its stored name."""
    spec = job_spec_or_none(name)
    return spec.shown_title if spec else name


@register.filter
def job_figures(run: Any) -> list[tuple[str, str]]:
    """`{% for label, value in run|job_figures %}`: the run's counts, labelled."""
    spec = job_spec_or_none(run.name)
    return figures_shown(spec.figures if spec else {}, run.counts)
