"""The quality lines on the home page's 我的待办: proposed checks for an inspector, open appeals for
the QA lead, the month waiting for its review or approval, a member of staff's check to read.
A few counts over indexed columns; only non-zero lines are shown. (Filled in by the subjects.)"""


def panel(user) -> list[tuple[str, int, str]]:
    from kefu.quality.selectors_checks import home_lines as check_lines
    from kefu.quality.selectors_months import home_lines as month_lines

    items: list[tuple[str, int, str]] = []
    items += check_lines(user)  # QA checks: to score, appeals to decide, one's own to read
    items += month_lines(user)  # the monthly close: to review, to approve, sheet appeals to decide
    return items
