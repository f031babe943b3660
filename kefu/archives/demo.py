"""The archive room's demo (issue 17): files from the demo's finished business, filed and waiting, loans
out and overdue, a destruction under way, the holdings check, and the key cabinet of one estate. Each
subject seeds its part (demo_<subject>.py); idempotent."""

from kefu.core.registry import Seeder


def seed(options) -> list[str]:
    from kefu.archives import demo_destruction, demo_filing, demo_keys, demo_loans

    lines: list[str] = []
    for part in (demo_filing, demo_loans, demo_destruction, demo_keys):
        lines += part.seed(options)
    return lines


SEEDER = Seeder("archives", 65, seed)
