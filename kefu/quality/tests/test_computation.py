"""The appraisal computation as issue 16 defines it (Q2): every rule, the seed's worked examples and the
boundaries."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kefu.quality.computation import Item, compute

MONTH = date(2026, 11, 1)
LONG_AGO = date(2020, 1, 1)


def score_of(*items, adjustment=0, reason="", joined_on=LONG_AGO, month=MONTH, last=False):
    return compute(
        month=month,
        joined_on=joined_on,
        items=list(items),
        adjustment=adjustment,
        adjustment_reason=reason,
        last_place_twice_below=last,
    )


@pytest.mark.django_db
def test_the_seeds_examples_80_no_change_91_plus_110_68_minus_120():
    # given the seed's three examples: 80; 80+5+5+1 (adjustment); 80−2−10
    # when computed
    eighty = score_of()
    ninety_one = score_of(Item("bonus", 5), Item("bonus", 5), adjustment=1, reason="带班认真")
    sixty_eight = score_of(Item("light", 2), Item("medium", 10))
    # then the pay changes are 0, +110 and −120
    assert (eighty.score, eighty.pay_delta, eighty.grade) == (80, 0, "B")
    assert (ninety_one.score, ninety_one.pay_delta, ninety_one.grade) == (91, 110, "A")
    assert (sixty_eight.score, sixty_eight.pay_delta, sixty_eight.grade) == (68, -120, "D")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "adjust, score, grade",
    [(5, 90, "B"), (0, 85, "B"), (-5, 80, "B")],
)
def test_ninety_is_still_b_and_eighty_is_b(adjust, score, grade):
    # given 80 + 5 and an adjustment
    result = score_of(Item("bonus", 5), adjustment=adjust, reason="理由")
    # then
    assert (result.score, result.grade) == (score, grade)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "items, score, grade, flagged",
    [
        ([Item("medium", 10)], 70, "C", False),
        ([Item("light", 5), Item("medium", 10)], 65, "D", False),
        ([Item("severe", 20)], 60, "E", False),
        ([Item("severe", 20), Item("light", 1)], 59, None, True),
        ([Item("light", 1)], 79, "C", False),
        ([Item("light", 1), Item("medium", 10)], 69, "D", False),
    ],
)
def test_the_grade_boundaries_70_c_65_d_60_e_59_no_grade_and_flagged(items, score, grade, flagged):
    # when
    result = score_of(*items)
    # then
    assert (result.score, result.grade, result.termination_flag) == (score, grade, flagged)


@pytest.mark.django_db
def test_four_light_deductions_add_an_extra_minus_twenty_once():
    # given four light deductions of 1 (three do not)
    three = score_of(*[Item("light", 1)] * 3)
    four = score_of(*[Item("light", 1)] * 4)
    five = score_of(*[Item("light", 1)] * 5)
    # then
    assert three.score == 77
    assert four.score == 80 - 4 - 20
    assert five.score == 80 - 5 - 20
    assert any(line["label"].startswith("追加扣分") for line in four.lines)


@pytest.mark.django_db
def test_two_medium_deductions_add_an_extra_minus_twenty():
    # when
    result = score_of(Item("medium", 10), Item("medium", 10))
    # then 80 − 20 − 20 = 40: no grade, flagged
    assert (result.score, result.grade, result.termination_flag) == (40, None, True)


@pytest.mark.django_db
def test_joined_2026_10_08_pays_nothing_in_october_and_november_and_pays_in_december():
    # given someone who joined on 8 October 2026 with a score of 90
    joined = date(2026, 10, 8)
    bonus = [Item("bonus", 5), Item("bonus", 5)]
    # when
    october = score_of(*bonus, joined_on=joined, month=date(2026, 10, 1))
    november = score_of(*bonus, joined_on=joined, month=date(2026, 11, 1))
    december = score_of(*bonus, joined_on=joined, month=date(2026, 12, 1))
    # then the first two calendar months score without pay
    assert (october.score, october.pay_delta) == (90, 0)
    assert november.pay_delta == 0
    assert december.pay_delta == 100


@pytest.mark.django_db
def test_a_month_before_joining_is_refused_on_month():
    with pytest.raises(ValidationError) as error:
        score_of(joined_on=date(2026, 12, 3), month=date(2026, 11, 1))
    assert "month" in error.value.message_dict


@pytest.mark.django_db
def test_the_score_is_capped_at_110():
    # given eight bonuses (80 + 40)
    result = score_of(*[Item("bonus", 5)] * 8)
    # then
    assert result.score == 110
    assert result.pay_delta == 300
    assert any("满分" in line["label"] for line in result.lines)


@pytest.mark.django_db
def test_the_pay_change_is_limited_to_minus_300():
    # given 80 − 20 × 3 = 20 (plus no extra for severe)
    result = score_of(Item("severe", 20), Item("severe", 20), Item("severe", 20))
    # then (20 − 80) × 10 = −600 is limited to −300
    assert result.score == 20
    assert result.pay_delta == -300


@pytest.mark.django_db
def test_a_dismissal_item_flags_whatever_the_score():
    # when
    result = score_of(Item("dismissal", 0, "工作时间内睡觉"), Item("bonus", 5))
    # then
    assert result.termination_flag
    assert result.grade == "B"
    assert any("工作时间内睡觉" in reason for reason in result.termination_reasons)


@pytest.mark.django_db
def test_last_in_the_team_twice_below_seventy_flags():
    result = score_of(Item("light", 5), last=True)
    assert result.termination_flag
    assert "连续两个月班组最后一名" in result.termination_reasons[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "items, field",
    [
        ([Item("bonus", 4)], "items[0].points"),
        ([Item("light", 1), Item("light", 6)], "items[1].points"),
        ([Item("medium", 5)], "items[0].points"),
        ([Item("severe", 10)], "items[0].points"),
        ([Item("dismissal", 21)], "items[0].points"),
        ([Item("heavy", 5)], "items[0].kind"),
    ],
)
def test_points_outside_the_kinds_range_are_refused_naming_the_item(items, field):
    with pytest.raises(ValidationError) as error:
        score_of(*items)
    assert field in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "adjustment, reason, field",
    [(6, "理由", "adjustment"), (-6, "理由", "adjustment"), (3, "  ", "adjustment_reason")],
)
def test_the_adjustment_is_five_either_way_with_a_reason(adjustment, reason, field):
    with pytest.raises(ValidationError) as error:
        score_of(adjustment=adjustment, reason=reason)
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_every_step_is_a_line_with_its_running_total():
    # when
    result = score_of(Item("bonus", 5, "顶班"), Item("light", 2, "迟到"), adjustment=-1, reason="交接不清")
    # then
    labels = [line["label"] for line in result.lines]
    assert labels[0] == "基础分"
    assert [line["total"] for line in result.lines[:4]] == [80, 85, 83, 82]
    assert any("顶班" in label for label in labels)
    assert any(label.startswith("工资浮动") for label in labels)
