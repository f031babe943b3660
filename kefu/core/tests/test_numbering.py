"""The one gap-free counter (kefu.core.numbering) and the one claim for once-a-period jobs
(kefu.core.claims)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from kefu.core.claims import claim
from kefu.core.models import JobClaim, NumberSequence
from kefu.core.numbering import day_period, next_number, year_period

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


# --- the counter ------------------------------------------------------------------------------------


def test_a_series_counts_from_one_without_gaps():
    with transaction.atomic():
        numbers = [next_number("hotline.contact", "20261203") for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert NumberSequence.objects.get(key="hotline.contact", period="20261203").last == 3


def test_a_rolled_back_issue_gives_its_number_back():
    with transaction.atomic():
        next_number("collection.payment", "20261203")
    with pytest.raises(Refused), transaction.atomic():
        assert next_number("collection.payment", "20261203") == 2
        raise Refused  # the payment is refused after its number was taken
    with transaction.atomic():
        assert next_number("collection.payment", "20261203") == 2


def test_a_series_first_taken_in_a_rolled_back_issue_starts_at_one_again():
    with pytest.raises(Refused), transaction.atomic():
        next_number("processes.connection_point", "2026")
        raise Refused
    with transaction.atomic():
        assert next_number("processes.connection_point", "2026") == 1


def test_periods_and_keys_are_separate_series():
    with transaction.atomic():
        next_number("hotline.contact", "20261203")
        next_number("hotline.contact", "20261203")
        assert next_number("hotline.contact", "20261204") == 1  # the next day starts again
        assert next_number("collection.payment", "20261203") == 1  # another series, the same day
        assert next_number("processes.supply_contract", "2026") == 1
        assert next_number("processes.supply_contract", "2027") == 1
        assert next_number("hotline.contact", "20261203") == 3


def test_the_periods_read_as_a_day_and_a_year():
    assert day_period(date(2026, 1, 5)) == "20260105"
    assert year_period(date(2026, 1, 5)) == "2026"


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_count_outside_a_transaction():
    # committed at once, a number taken by an issue that then fails would be lost
    with pytest.raises(RuntimeError, match="inside the issuing transaction"):
        next_number("hotline.contact", "20261203")
    assert not NumberSequence.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_clerks_issuing_at_the_same_moment_get_distinct_gap_free_numbers():
    # SQLite's in-memory test database cannot be written from several threads at once; PostgreSQL
    # (the production database, also run by `make test`) is where the row lock makes this safe.
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    # given eight clerks starting together on a series that has no row yet (so they also race to
    # create it), each issuing five numbers and having every third issue refused
    clerks, issues, errors, kept = 8, 5, [], []
    barrier = threading.Barrier(clerks)

    def issue(clerk: int):
        try:
            barrier.wait()
            for n in range(issues):
                try:
                    with transaction.atomic():
                        number = next_number("hotline.contact", "20261203")
                        if (clerk + n) % 3 == 0:
                            raise Refused
                        kept.append(number)
                except Refused:
                    pass
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(clerk,)) for clerk in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then the kept numbers are 1…n without a gap or a repeat, and the series stands at n
    assert errors == []
    assert sorted(kept) == list(range(1, len(kept) + 1))
    assert NumberSequence.objects.get().last == len(kept)


# --- the claim --------------------------------------------------------------------------------------


def test_a_job_is_claimed_once_per_period():
    first = claim("daily_application_report", "20261203", summary={"started": 3})
    assert first is not None and first.summary == {"started": 3}
    assert claim("daily_application_report", "20261203") is None  # a second worker, or a second run
    assert claim("daily_application_report", "20261204") is not None  # the next day is its own
    assert claim("design_commission_batch", "20261203") is not None  # another job, the same day
    assert JobClaim.objects.get(job="daily_application_report", period="20261203").summary == {"started": 3}


def test_a_claim_taken_by_a_job_that_fails_is_given_back():
    with pytest.raises(Refused), transaction.atomic():
        assert claim("design_commission_batch", "20261203") is not None
        raise Refused
    assert claim("design_commission_batch", "20261203") is not None
