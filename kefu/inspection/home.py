"""Inspection lines on the home page's 我的待办: an inspector's open cases and notices due, the leader's
approvals waiting. Each subject gives its lines; only non-zero lines are shown."""


def panel(user) -> list[tuple[str, int, str]]:
    from kefu.inspection.selectors_cases import home_lines as case_lines
    from kefu.inspection.selectors_field import home_lines as field_lines
    from kefu.inspection.selectors_patrols import home_lines as patrol_lines

    return case_lines(user) + field_lines(user) + patrol_lines(user)
