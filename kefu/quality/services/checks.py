"""Scorecards, QA checks, appeals and calibrations (Q1). Owned by the checks subject."""

from django.db import transaction

from kefu.quality.models import QaCheck


@transaction.atomic
def open_check(*, actor, contact, source: str, sample_reason: str = "", month=None) -> QaCheck:
    """Put one contact up for a check (sampling proposes, an inspector adds). STUB until the checks
    subject lands: the signature is the contract."""
    raise NotImplementedError


def finalise_due(now) -> list[str]:
    return []
