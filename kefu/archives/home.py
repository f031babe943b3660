"""The archive lines on the home page's 我的待办: files to file and overdue, loans to approve or
register, loans due, destruction proposals to review or approve, key copies to consent to. Each subject
gives its lines; only non-zero lines are shown."""


def panel(user) -> list[tuple[str, int, str]]:
    from kefu.archives.selectors_destruction import home_lines as destruction_lines
    from kefu.archives.selectors_filing import home_lines as filing_lines
    from kefu.archives.selectors_keys import home_lines as key_lines
    from kefu.archives.selectors_loans import home_lines as loan_lines

    return filing_lines(user) + loan_lines(user) + destruction_lines(user) + key_lines(user)
