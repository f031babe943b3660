import pytest
from django.db import connection

from kefu.fulltext.query import match_contacts
from kefu.fulltext.sqlite import ensure_sqlite_index
from kefu.fulltext.tokens import search_text_for
from kefu.hotline.models import Contact
from kefu.hotline.tests.factories import ContactFactory

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")


def test_a_complete_index_is_left_alone(db):
    assert ensure_sqlite_index(connection) is False


def test_lost_triggers_are_recreated_and_the_index_rebuilt(agent):
    # given: a migration that rebuilt hotline_contact dropped the triggers, then a contact changed
    contact = ContactFactory(actor=agent, answered=True, matter="小区今天突然停水了")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER fulltext_contact_au")
    Contact.objects.filter(pk=contact.pk).update(search_text=search_text_for("楼道水管漏水严重"))
    # when
    repaired = ensure_sqlite_index(connection)
    # then
    assert repaired is True
    assert match_contacts(Contact.objects.all(), "漏水").count() == 1
    assert match_contacts(Contact.objects.all(), "停水").count() == 0
    Contact.objects.filter(pk=contact.pk).update(search_text=search_text_for("水压太低"))
    assert match_contacts(Contact.objects.all(), "水压").count() == 1
