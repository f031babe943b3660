"""Reads of this subject (filled in by its helper)."""


def home_lines(user) -> list[tuple[str, int, str]]:
    return []


def desk_loans(user) -> dict:
    """CONTRACT (read by the archive desk, views/filing.py): {"waiting": QuerySet of loans waiting for
    approval or registration, "out": loans out now, "overdue": loans past their due date}, each already
    limited to what `user` may see; the desk slices them (`[:10]`) and counts them."""
    from kefu.archives.models import FileLoan

    none = FileLoan.objects.none()
    return {"waiting": none, "out": none, "overdue": none}
