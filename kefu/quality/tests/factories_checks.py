"""The QA checks' test world: an agent of team A (with a contact to check), an agent of team B, their
team leader, two inspectors, the QA lead (an inspector given quality.decide_qaappeal, like the demo's
qa1) and the department head. Checks are made through the services: open_check, score_check."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.hotline.tests.factories import ContactFactory
from kefu.quality import defaults
from kefu.quality.models import QaCheck
from kefu.quality.services import checks as services
from kefu.quality.services.scorecards import active_scorecard, card_items


@dataclass
class QaWorld:
    agent: object  # team A
    other_agent: object  # team B
    leader: object  # team A's leader
    inspector: object
    inspector2: object
    lead: object  # QA lead: an inspector with quality.decide_qaappeal
    head: object

    def contact(self, agent=None, **fields):
        return ContactFactory(actor=agent or self.agent, answered=True, **fields)

    def check(self, agent=None, **fields) -> QaCheck:
        return services.open_check(
            actor=None,
            contact=self.contact(agent, **fields),
            source=QaCheck.Source.SAMPLED,
            sample_reason="随机",
        )


def grant(user, codename: str):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="quality", codename=codename))
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


def entries(values: dict[str, int] | None = None, *, card=None) -> list[dict]:
    """Scores for every item of the card in use, by item code (full marks unless given)."""
    card = card or active_scorecard()
    values = values or {}
    return [{"item": item.code, "score": values.get(item.code, item.max_score)} for item in card_items(card)]


def scored(world: QaWorld, values=None, *, inspector=None, now=None, agent=None) -> QaCheck:
    check = world.check(agent)
    return services.score_check(
        actor=inspector or world.inspector, check=check, scores=entries(values), comment="评语", now=now
    )


@pytest.fixture(name="qa_world")
def qa_world_fixture(db, make_user) -> QaWorld:
    defaults.ensure_defaults()
    team_a, team_b = TeamFactory(name="热线一班"), TeamFactory(name="热线二班")
    lead = make_user(Role.QA_INSPECTOR, username="qa1", name="质检组长老陈")
    return QaWorld(
        agent=make_user(Role.AGENT, username="qagent", name="话务员小张", team=team_a),
        other_agent=make_user(Role.AGENT, username="qagent2", name="话务员小刘", team=team_b),
        leader=make_user(Role.TEAM_LEADER, username="qleader", name="班长老王", team=team_a),
        inspector=make_user(Role.QA_INSPECTOR, username="qa2", name="质检员小林"),
        inspector2=make_user(Role.QA_INSPECTOR, username="qa3", name="质检员小吴"),
        lead=grant(lead, "decide_qaappeal"),
        head=make_user(Role.DEPARTMENT_HEAD, username="qhead", name="主任老李"),
    )
