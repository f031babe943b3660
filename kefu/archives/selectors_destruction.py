"""Reads of this subject (filled in by its helper)."""


def home_lines(user) -> list[tuple[str, int, str]]:
    return []


def desk_destruction(user) -> dict:
    """CONTRACT (read by the archive desk): {"proposals": QuerySet of destructions not yet carried out,
    "past_retention": QuerySet of filed files past their retention and on no open proposal,
    "inspection": the holdings check due now or None}."""
    from kefu.archives.models import ArchiveFile, Destruction

    return {
        "proposals": Destruction.objects.none(),
        "past_retention": ArchiveFile.objects.none(),
        "inspection": None,
    }
