"""An appraisal sheet: drafted from the records, lines entered by hand, the adjustment, recomputed
(Q2, Q4). STUB: the sheets subject writes it; the signatures are the contract."""

from kefu.quality.models import AppraisalMonth, AppraisalSheet


def draft_sheet(*, appraisal_month: AppraisalMonth, person, actor) -> AppraisalSheet:
    """Create (or refresh) `person`'s sheet for the month: automatic lines from the records (each with
    its evidence, never doubled), manual lines kept, then computed. Not durable: the monthly close calls
    it for every person inside its own transaction."""
    raise NotImplementedError


def recompute(sheet: AppraisalSheet, *, actor=None, last_place_twice_below: bool = False) -> AppraisalSheet:
    """Compute the sheet from its lines (kefu.quality.computation.compute) and store the result."""
    raise NotImplementedError
