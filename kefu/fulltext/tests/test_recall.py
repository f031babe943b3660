"""Recall (and precision) of the index over generated, realistic hotline matters: every contact whose
text contains a domain word must be found by it, and no other."""

import random

import pytest

from kefu.fulltext.query import match_contacts
from kefu.hotline.models import Contact
from kefu.hotline.tests.factories import ContactFactory

TWO_CHARACTER_WORDS = "停水 漏水 水压 水费 抄表 水表 爆管 欠费 水质 发黄 异味 阀门".split()
FOUR_CHARACTER_WORDS = "水表漏水 停水通知 水压太低 管道爆裂 水质发黄 阀门损坏 临时停水 水费异常".split()

PLACES = ["阳光花园", "幸福小区", "人民路", "滨江苑", "城南新村", "解放大道", "金色家园", "东湖社区"]
OPENINGS = ["客户来电反映", "市民反映", "来电称", "客户表示", "业主投诉", ""]
PROBLEMS = [
    "{place}{n}幢从早上开始停水，至今未恢复供水",
    "{place}楼道里水表漏水，地面积水严重",
    "{place}{n}单元水压太低，高层用不了水",
    "没有收到停水通知，{place}突然没水了",
    "{place}路口管道爆裂，路面大量冒水",
    "自来水水质发黄有异味，{place}多户反映",
    "{place}小区阀门损坏关不上",
    "本月水费异常，比上月多了{n}倍，怀疑抄表有误",
    "家中水龙头漏水，属内部故障",
    "咨询临时停水什么时候结束",
    "欠费停水后已缴清水费，要求尽快恢复",
    "水表井盖破损，{place}门口有安全隐患",
    "{place}夜间水压不稳，时有时无",
    "抄表员多次未上门，水费按估算收取",
    "{place}消防栓被撞，爆管跑水",
]
CLOSINGS = ["，请尽快派人处理。", "，要求回电。", "。", "，情况紧急！", "，已多次反映。"]
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨水生", "赵表哥"]


def generated_matters(count):
    rng = random.Random(20261122)
    for _ in range(count):
        problem = rng.choice(PROBLEMS).format(place=rng.choice(PLACES), n=rng.randint(1, 30))
        yield rng.choice(OPENINGS) + problem + rng.choice(CLOSINGS), rng.choice(NAMES), rng.choice(PLACES)


@pytest.mark.parametrize(
    "words", [TWO_CHARACTER_WORDS, FOUR_CHARACTER_WORDS], ids=["2 characters", "4 characters"]
)
def test_every_contact_containing_a_domain_word_is_found_and_no_other(agent, words):
    # given
    for matter, name, place in generated_matters(200):
        ContactFactory(
            actor=agent, answered=True, matter=matter, caller_name=name, address=f"{place}{len(matter)}号"
        )
    contacts = list(Contact.objects.all())
    # when
    missed, extra, present = {}, {}, {}
    for word in words:
        expected = {c.id for c in contacts if any(word in t for t in (c.matter, c.caller_name, c.address))}
        found = set(match_contacts(Contact.objects.all(), word).values_list("id", flat=True))
        present[word] = len(expected)
        if expected - found:
            missed[word] = len(expected - found)
        if found - expected:
            extra[word] = len(found - expected)
    # then
    assert min(present.values()) >= 5, f"the generated matters should contain every word: {present}"
    assert missed == {}, f"recall below 100%: {missed}"
    assert extra == {}, f"precision below 100%: {extra}"
