"""Services of this subject (filled in by its helper). Every write: keyword-only arguments,
@transaction.atomic, its event from kefu.archives.events in the same transaction."""

ALERT_KINDS: dict[str, str] = {}


def run_due(now) -> list[str]:
    return []


def register_file(
    *,
    actor,
    category: str,
    title: str,
    subject: str,
    finished_on,
    customer=None,
    department=None,
    unit=None,
    source_number: str = "",
    source_url: str = "",
    items=(),
    restricted_to: str = "",
):
    """CONTRACT (used by processes, meters, inspection): register the file a finished business leaves,
    waiting to be filed (state 待归档), with its filing deadline from the category's rule and its content
    list (`items`: titles, or (title, pages) pairs). Idempotent on `subject` ("<app>.<model>:<pk>"):
    a second call returns the file already registered. Confidentiality follows the category's rule;
    `restricted_to` names the permission a reader needs besides the catalogue (inspection files)."""
    raise NotImplementedError
