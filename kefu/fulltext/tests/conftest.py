import itertools
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kefu.fulltext.tokens import search_text_for

START = timezone.make_aware(datetime(2026, 11, 22, 8, 0))


@pytest.fixture
def make_contact(db):
    """Contacts created straight through the ORM, with search_text filled the way the services fill it."""
    from kefu.accounts.tests.factories import UserFactory
    from kefu.hotline.models import Category, Contact

    agent = UserFactory()
    category = Category.objects.get(code="repair")
    counter = itertools.count(1)

    def make(matter, *, caller_name="", address="", phone=""):
        sequence = next(counter)
        received_at = START + timedelta(minutes=sequence)
        number = f"RX{received_at:%Y%m%d}-{sequence:04d}"
        return Contact.objects.create(
            number=number,
            received_on=received_at.date(),
            sequence=sequence,
            received_at=received_at,
            agent=agent,
            matter=matter,
            original_matter=matter,
            category=category,
            disposition=Contact.Disposition.TRANSFERRED,
            caller_name=caller_name,
            address=address,
            phone=phone,
            search_text=search_text_for(matter, caller_name, address, phone, number),
        )

    return make
