from io import StringIO

from django.core.management import call_command

from kefu.fulltext.query import match_contacts
from kefu.hotline.models import Contact
from kefu.hotline.tests.factories import ContactFactory


def test_it_fills_search_text_for_contacts_loaded_without_it(agent):
    # given
    ContactFactory(actor=agent, answered=True, matter="小区今天突然停水了", caller_name="王建国")
    ContactFactory(actor=agent, answered=True, matter="楼道水管漏水严重")
    Contact.objects.update(search_text="")
    # when
    out = StringIO()
    call_command("rebuild_search_text", "--batch-size", "1", verbosity=0, stdout=out)
    # then
    assert "更新 2 条" in out.getvalue()
    assert match_contacts(Contact.objects.all(), "停水 王建国").count() == 1
    assert match_contacts(Contact.objects.all(), "漏水").count() == 1


def test_it_writes_nothing_when_search_text_is_current(agent):
    ContactFactory(actor=agent, answered=True, matter="小区今天突然停水了")
    out = StringIO()
    call_command("rebuild_search_text", verbosity=0, stdout=out)
    assert "更新 0 条" in out.getvalue()
