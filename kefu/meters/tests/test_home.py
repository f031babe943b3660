"""The meters' lines on the home page's 我的待办: each role sees what waits for it, its branch's only."""

import time_machine

from kefu.meters.home import panel
from kefu.meters.tests import factories_replacements as f


@time_machine.travel("2026-03-10 10:00 +0800")
def test_the_center_head_sees_the_urgent_reports_waiting_for_verification(meters_world):
    # given a branch's urgent report
    f.urgent(meters_world)

    # then the head (who verifies) sees it; the branch's staff and the store keeper do not as a verification
    lines = panel(meters_world.head)
    assert ("待核查的急换报核单", 1, "/meters/replacements/?tab=reported") in lines
    assert len(lines) == len(set(lines))  # each line once
    assert all(label != "待核查的急换报核单" for label, *_ in panel(meters_world.fitter))


@time_machine.travel("2026-03-10 10:00 +0800")
def test_a_branch_sees_the_meters_it_has_taken_and_not_fitted_its_own_only(meters_world):
    # given a meter issued for a replacement in the first branch
    f.issued(meters_world)

    # then its fitter sees it, the other branch's does not
    assert ("已领表待换", 1, "/meters/replacements/?tab=issued") in panel(meters_world.fitter)
    assert all(label != "已领表待换" for label, *_ in panel(meters_world.other_fitter))
