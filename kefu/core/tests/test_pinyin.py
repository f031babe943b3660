"""Pinyin of names, so that agents can find 王建国 by typing wjg or wangjianguo (A1 search)."""

import pytest

from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core.pinyin import name_pinyin
from kefu.customers import services
from kefu.customers.models import Customer


def test_it_gives_full_pinyin_and_initials_of_a_name():
    # given a common name
    # when its pinyin is computed
    full, initials = name_pinyin("王建国")
    # then both forms are lower-case letters only
    assert (full, initials) == ("wangjianguo", "wjg")


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("曾小贤", "zengxiaoxian", "zxx"),  # not ceng
        ("单田芳", "shantianfang", "stf"),  # not dan
        ("解晓东", "xiexiaodong", "xxd"),  # not jie
        ("区家麟", "oujialin", "ojl"),  # not qu
        ("朴树", "piaoshu", "ps"),  # not pu
    ],
)
def test_it_reads_a_surname_by_its_surname_sound(name, full, initials):
    assert name_pinyin(name) == (full, initials)


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("欧阳修", "ouyangxiu", "oyx"),
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("司马光", "simaguang", "smg"),
        ("诸葛亮", "zhugeliang", "zgl"),
    ],
)
def test_it_treats_a_compound_surname_as_one_surname(name, full, initials):
    assert name_pinyin(name) == (full, initials)


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("单位食堂", "danweishitang"),
        ("解放路小学", "jiefangluxiaoxue"),
        ("曾经的茶馆", "cengjingdechaguan"),
    ],
)
def test_it_reads_a_unit_name_normally(name, full):
    # given the name of a unit, which starts with a character that is also a surname
    # when read as a non-personal name
    # then the character keeps its ordinary reading
    assert name_pinyin(name, personal=False)[0] == full


def test_it_drops_punctuation_such_as_the_middle_dot_of_minority_names():
    assert name_pinyin("阿依古丽·买买提") == ("ayigulimaimaiti", "ayglmmt")
    assert name_pinyin("") == ("", "")
    assert name_pinyin("   ") == ("", "")


def test_opening_an_archive_stores_the_pinyin_by_customer_kind(db):
    # given an individual named 曾小贤 and a unit named 解放路小学
    area = ServiceAreaFactory()
    person = services.open_customer(
        actor=None,
        data={
            "kind": Customer.Kind.INDIVIDUAL,
            "name": "曾小贤",
            "phone": "13812345678",
            "address": "解放路1号",
            "service_area": area,
        },
    )
    school = services.open_customer(
        actor=None,
        data={
            "kind": Customer.Kind.UNIT,
            "name": "解放路小学",
            "phone": "0571-87654321",
            "address": "解放路2号",
            "service_area": area,
        },
    )
    # then the person is read with the surname sound, the unit with the ordinary one
    assert (person.name_pinyin, person.name_initials) == ("zengxiaoxian", "zxx")
    assert (school.name_pinyin, school.name_initials) == ("jiefangluxiaoxue", "jflxx")
