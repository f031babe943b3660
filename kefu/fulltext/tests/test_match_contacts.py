import pytest

from kefu.fulltext.query import match_contacts
from kefu.fulltext.tokens import search_text_for
from kefu.hotline.models import Contact
from kefu.hotline.tests.factories import ContactFactory


def found(query):
    return set(match_contacts(Contact.objects.all(), query).values_list("matter", flat=True))


@pytest.fixture
def contacts(agent):
    # given
    ContactFactory(
        actor=agent,
        answered=True,
        matter="小区今天突然停水了，请尽快恢复",
        caller_name="王建国",
        address="幸福路88号阳光花园3幢",
    )
    ContactFactory(
        actor=agent,
        answered=True,
        matter="楼道水管漏水严重，水表漏水",
        caller_name="李秀英",
        phone="13812345678",
    )
    ContactFactory(actor=agent, answered=True, matter="家里水压太低，楼上用不了水", address="人民大道12号")
    ContactFactory(actor=agent, answered=True, matter="咨询停水通知什么时候发布", phone="0571-86001234")
    ContactFactory(actor=agent, answered=True, matter="水费账单有疑问，抄表员没来抄表")


@pytest.mark.parametrize(
    "query, matter",
    [
        ("突然停水", "小区今天突然停水了，请尽快恢复"),
        ("水压", "家里水压太低，楼上用不了水"),
        ("水表漏水", "楼道水管漏水严重，水表漏水"),
        ("停水通知", "咨询停水通知什么时候发布"),
        ("王建国", "小区今天突然停水了，请尽快恢复"),
        ("秀英", "楼道水管漏水严重，水表漏水"),
        ("阳光花园", "小区今天突然停水了，请尽快恢复"),
        ("3幢", "小区今天突然停水了，请尽快恢复"),
        ("5678", "楼道水管漏水严重，水表漏水"),
        ("抄表员", "水费账单有疑问，抄表员没来抄表"),
    ],
)
def test_a_query_finds_the_contact_that_contains_it(contacts, query, matter):
    assert found(query) == {matter}


def test_a_two_character_word_is_found_in_every_sentence_that_has_it(contacts):
    assert found("漏水") == {"楼道水管漏水严重，水表漏水"}
    assert found("停水") == {"小区今天突然停水了，请尽快恢复", "咨询停水通知什么时候发布"}


def test_characters_present_but_not_adjacent_do_not_match(contacts):
    # 水表 and 表漏 … are all in 水表漏水, but 压漏 is nowhere; 水管漏 is, 管水 is not.
    assert found("压漏") == set()
    assert found("管水") == set()
    # Every bigram of 停水压 occurs (停水 in one contact, 水压 in another), never as one phrase.
    assert found("停水压") == set()


def test_every_term_must_match(contacts):
    assert found("停水 王建国") == {"小区今天突然停水了，请尽快恢复"}
    assert found("停水 李秀英") == set()


def test_a_single_character_matches_anywhere_in_a_run(contacts):
    assert found("账") == {"水费账单有疑问，抄表员没来抄表"}
    # The last character of a run: 复 ends 请尽快恢复.
    assert found("复") == {"小区今天突然停水了，请尽快恢复"}


def test_four_or_more_digits_also_match_the_middle_of_a_phone_number(contacts):
    assert found("1234") == {"楼道水管漏水严重，水表漏水", "咨询停水通知什么时候发布"}
    assert found("86001") == {"咨询停水通知什么时候发布"}
    assert found("138-1234-5678") == {"楼道水管漏水严重，水表漏水"}


def test_a_contact_number_is_found_by_its_digits(contacts):
    number = Contact.objects.get(matter__startswith="家里").number
    assert found(number) == {"家里水压太低，楼上用不了水"}


@pytest.mark.parametrize("query", ["", "   ", "，。！", "\"'", "&|!():*", "<->", "\\"])
def test_a_query_with_nothing_to_search_for_finds_nothing(contacts, query):
    assert not match_contacts(Contact.objects.all(), query).exists()


@pytest.mark.parametrize(
    "query",
    ["停水'", '"停水', "停水 & 漏水", "!停水", "(停水", "停水:*", "停水|漏水", "停水 <-> 漏水"]
    + ["\\停水", "'' \"\" *", "停水'); DROP TABLE x; --"],
)
def test_query_syntax_in_a_query_is_read_as_words_never_run(contacts, query):
    # given five contacts
    before = Contact.objects.count()
    # when the query carries tsquery or SQL syntax
    matched = found(query)
    # then it finds only contacts holding one of its words, and nothing in it ran as SQL
    assert all("停水" in matter or "漏水" in matter for matter in matched)
    assert Contact.objects.count() == before


@pytest.mark.parametrize("query", ["停水'", '"停水', "(停水", "停水:*", "\\停水"])
def test_punctuation_around_a_word_still_finds_it(contacts, query):
    assert found(query) == {"小区今天突然停水了，请尽快恢复", "咨询停水通知什么时候发布"}


def test_the_result_composes_with_filters_ordering_and_slicing(contacts):
    queryset = match_contacts(Contact.objects.all(), "水").exclude(phone="").order_by("-received_at", "-id")
    assert [c.matter for c in queryset[:1]] == ["咨询停水通知什么时候发布"]
    assert queryset.count() == 2


def test_changing_search_text_changes_what_is_found(contacts):
    # given
    contact = Contact.objects.get(matter__startswith="水费")
    # when
    contact.matter = "管道爆裂，路面冒水"
    contact.search_text = search_text_for(contact.matter)
    contact.save()
    # then
    assert found("管道爆裂") == {"管道爆裂，路面冒水"}
    assert found("抄表") == set()


def test_a_deleted_contact_is_no_longer_found(contacts):
    Contact.objects.filter(matter__startswith="水费").delete()
    assert found("抄表") == set()
