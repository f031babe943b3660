"""What the privacy rules of issue 11 cost a search (A3): the archive search page and the hotline lookup
over HTTP, server side (the Server-Timing header), as a masked user (agent11) and as one who sees full
numbers and so writes the read log (clerk1).

The queries are drawn from random customers of the database, by kind: the last four digits of a phone
(shown to everyone), a complete mobile number, a surname + given-name pair, the first six characters of
an ID number, and seven middle digits of a mobile (masked: an agent now finds nothing with it). Each
query runs twice: the first pass (cold: that query never asked before in this process) and the second
(warm: the same queries again). p50/p95/p99/max per kind.

Fair comparison: run the same script from a checkout before issue 11 against a database that the old
code seeded with the same `seed_demo --customers N` (deterministic), on the same machine:

    DATABASE_URL=postgres://…/kefu_bsearch_new .venv/bin/python bench/bench_search_privacy.py
    cd /tmp/kefu_old && DATABASE_URL=postgres://…/kefu_bsearch_old /work/main/.venv/bin/python \
        /work/main/bench/bench_search_privacy.py --root /tmp/kefu_old

The rate limit of number searches (rule customers.search_per_minute) would stop a benchmark, which asks
thousands a minute: the script raises the rule to its upper bound for the run and puts it back.
"""

import argparse
import os
import random
import statistics
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--queries", type=int, default=200, help="timed queries per kind and pass")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent), help="the checkout")
    parser.add_argument("--random-seed", type=int, default=11)
    args = parser.parse_args()

    sys.path.insert(0, args.root)
    sys.path.insert(1, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from _setup import machine, require_postgresql

    require_postgresql()
    from django.conf import settings
    from django.test import Client

    from kefu.accounts.models import User
    from kefu.customers.models import Customer

    settings.ALLOWED_HOSTS = ["*"]
    print("Machine:", machine())
    print(f"Code: {args.root}; data: {Customer.objects.count():,} customers\n")
    restore = raise_rate_limit()
    try:
        rng = random.Random(args.random_seed)
        ids = list(Customer.objects.values_list("pk", flat=True))
        sample = list(Customer.objects.filter(pk__in=rng.sample(ids, min(len(ids), 6 * args.queries))))
        rng.shuffle(sample)
        print(f"{'endpoint · user · query kind':<66}{'pass':>6}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  ms")
        for username in ("agent11", "clerk1"):
            client = Client()
            client.force_login(User.objects.get(username=username))
            for kind, make in query_kinds():
                queries = [q for q in (make(c, rng) for c in sample) if q][: args.queries]
                for label, url in (
                    ("/customers/", "/customers/?q={}"),
                    ("/hotline/customer-lookup/", "/hotline/customer-lookup/?q={}"),
                ):
                    for pass_name in ("cold", "warm"):
                        times = [server_ms(client, url.format(q)) for q in queries]
                        report(f"{label} · {username} · {kind}", pass_name, times)
    finally:
        restore()


def query_kinds():
    def phone_tail(c, rng):
        return c.phone[-4:] if len(c.phone) == 11 else None

    def full_mobile(c, rng):
        return c.phone if len(c.phone) == 11 else None

    def name(c, rng):
        return c.name if c.kind == "individual" and len(c.name) in (2, 3) else None

    def id_head(c, rng):
        return c.id_number[:6] if len(c.id_number) == 18 else None

    def masked_middle(c, rng):
        return c.phone[2:9] if len(c.phone) == 11 else None

    return [
        ("phone last 4", phone_tail),
        ("complete mobile", full_mobile),
        ("name", name),
        ("ID first 6", id_head),
        ("7 middle digits (masked)", masked_middle),
    ]


def server_ms(client, url: str) -> float:
    response = client.get(url, HTTP_HX_REQUEST="true")
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code} {response.content[:200]!r}")
    return float(response["Server-Timing"].split("dur=")[1])


def report(label: str, pass_name: str, times: list[float]) -> None:
    ordered = sorted(times)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))]

    print(
        f"{label:<66}{pass_name:>6}{statistics.median(ordered):>8.1f}{at(0.95):>8.1f}{at(0.99):>8.1f}"
        f"{ordered[-1]:>8.1f}"
    )


def raise_rate_limit():
    """The rule exists only after issue 11; before, there is nothing to raise."""
    from kefu.core import policies

    key = "customers.search_per_minute"
    if key not in policies.DEFAULTS:
        return lambda: None
    from kefu.core.models import Policy

    before = Policy.objects.filter(key=key).values_list("value", flat=True).first()
    Policy.objects.update_or_create(key=key, defaults={"value": policies.DEFAULTS[key].maximum})

    def restore():
        value = policies.DEFAULTS[key].default if before is None else before
        Policy.objects.filter(key=key).update(value=value)

    return restore


if __name__ == "__main__":
    main()
