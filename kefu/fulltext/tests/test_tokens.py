from kefu.fulltext.tokens import Term, query_terms, query_tokens, search_text_for


def test_chinese_runs_give_their_bigrams_in_order_then_the_last_character():
    assert search_text_for("停水了") == "停水 水了 了"


def test_a_single_chinese_character_is_kept_alone():
    assert search_text_for("王") == "王"


def test_punctuation_separates_runs_and_is_dropped():
    assert search_text_for("水表，漏水！") == "水表 表 漏水 水"


def test_each_part_is_tokenised_on_its_own():
    assert search_text_for("停水", "", None, "漏水") == "停水 水 漏水 水"


def test_latin_and_digits_are_lower_cased_and_mixed_runs_also_give_their_parts():
    assert search_text_for("RX20261122-0001").split() == ["rx20261122", "rx", "20261122", "1122", "0001"]


def test_a_phone_number_also_gives_its_last_four_digits():
    assert search_text_for("13812345678").split() == ["13812345678", "5678"]


def test_full_width_digits_and_letters_are_read_as_ascii():
    assert search_text_for("３号楼ＤＮ") == "3 号楼 楼 dn"


def test_a_query_of_three_or_more_characters_is_a_phrase_of_bigrams():
    assert query_terms("水表漏水") == [Term(("水表", "表漏", "漏水"))]
    assert query_tokens("停水通知") == ["停水", "水通", "通知"]


def test_a_single_character_or_a_number_in_a_query_is_a_prefix():
    assert query_terms("楼 5678") == [Term(("楼",), prefix=True), Term(("5678",), prefix=True)]


def test_a_query_of_punctuation_only_has_no_tokens():
    assert query_tokens("\"'&|!():*<-> ，。") == []
    assert query_tokens("") == []


def test_query_syntax_characters_only_separate_terms():
    assert query_tokens("停水'&|!漏水\"):*") == ["停水", "漏水"]


def test_repeated_terms_are_searched_once():
    assert query_terms("停水 停水") == [Term(("停水",))]
