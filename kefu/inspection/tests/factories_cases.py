"""Test helpers for the cases (I1, I3), through the services: `make_case(...)` gives a case with two
inspectors who have shown their IDs (第三条(三)), ready for field work; other inspection tests import it.

    case = make_case()                           # OPEN, two inspectors with IDs shown
    case = make_case(started=True)               # INVESTIGATING
    case.inspectors.first().inspector            # an inspector of the case (the lead)
"""

import itertools

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.inspection.models import Case, CaseKind, Statement
from kefu.inspection.services import cases as services

_n = itertools.count(1)


def make_inspector(**kwargs):
    n = next(_n)
    kwargs.setdefault("username", f"jc_inspector{n}")
    kwargs.setdefault("name", f"稽查员{n}号")
    return UserFactory(role=Role.FIELD_INSPECTOR, **kwargs)


def make_director(**kwargs):
    n = next(_n)
    kwargs.setdefault("username", f"jc_director{n}")
    kwargs.setdefault("name", f"中心主任{n}")
    return UserFactory(role=Role.CENTER_DIRECTOR, **kwargs)


def make_case(
    *,
    inspectors=None,
    kind: str = CaseKind.WATER_THEFT,
    source: str = Case.Source.MANUAL,
    customer=None,
    address: str = "滨江区江南大道100号",
    summary: str = "群众反映该处私接水管偷盗用水",
    unregistered: bool = False,
    id_shown: bool = True,
    started: bool = False,
    **extra,
) -> Case:
    """A case with two inspectors (made here unless given) who have shown their IDs; `started` moves it
    to 调查取证. The first inspector opened it and is the lead."""
    if inspectors is None:
        inspectors = [make_inspector(), make_inspector()]
    inspectors = list(inspectors)
    case = services.open_case(
        actor=inspectors[0],
        kind=kind,
        source=source,
        address=address,
        summary=summary,
        customer=customer,
        unregistered=unregistered,
        inspectors=inspectors,
        **extra,
    )
    if id_shown:
        for person in inspectors:
            services.record_id_shown(actor=person, case=case)
    if started:
        services.start_investigation(actor=inspectors[0], case=case)
    case.refresh_from_db()
    return case


def lead_of(case: Case):
    return case.inspectors.order_by("-lead", "id").first().inspector


def hear(case: Case, *, kind: str = Statement.Kind.DEFENCE, person: str = "当事人王某", actor=None):
    """The customer's statement or defence, through the field subject's service (an inspector of the
    case who has shown the ID)."""
    from kefu.inspection.models import Signature
    from kefu.inspection.services.statements import record_statement

    return record_statement(
        actor=actor or lead_of(case),
        case=case,
        kind=kind,
        person=person,
        content="我不知道管子是谁接的，愿意配合调查。",
        signature=Signature.SIGNED,
    )


def violation_found(case: Case | None = None, **kwargs) -> Case:
    """A case investigated and concluded 违章属实, with the customer's defence heard."""
    case = case or make_case(started=True, **kwargs)
    hear(case)
    return services.conclude(
        actor=lead_of(case),
        case=case,
        finding=Case.Finding.VIOLATION,
        conclusion="私接水管属实，拟追补水费并处违约金",
    )


def submitted(case: Case | None = None, *, penalty="2000", recovery="3500.50", **kwargs):
    """A violation submitted to the leader: returns the PenaltyApproval."""
    case = violation_found(case, **kwargs)
    return services.submit_for_approval(
        actor=lead_of(case),
        case=case,
        facts="表前私接DN20水管一根，现场有用水痕迹",
        regulation="《城市供水条例》第三十五条",
        proposed_penalty=penalty,
        proposed_recovery=recovery,
        proposal="追补水费并处违约金",
    )
