"""Issue 12: the numbers that were fixed in code are rules now, read when used, and the messages that
quote a rule say the administrator's value, not the seed's."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.core.services import set_policy
from kefu.processes import services as processes
from kefu.processes.models import Approval
from kefu.processes.rules import application_complete_and_signed
from kefu.workforce import services as workforce


def test_the_kpi_dashboard_names_the_configured_callback_hours(client_for, administrator, department_head):
    # given
    set_policy(actor=administrator, key="hotline.callback_hours", value=12)

    # when
    html = client_for(department_head).get("/kpi/").content.decode()

    # then
    assert "12小时内回电率" in html and "12小时回电率" in html
    assert "24小时" not in html


def test_the_longest_shift_is_a_rule_and_the_refusal_quotes_it(administrator, make_user):
    # given
    team = TeamFactory(code="RX9", name="热线九班")
    agent = make_user(Role.AGENT, username="shift-agent", team=team)
    set_policy(actor=administrator, key="workforce.longest_shift_hours", value=12)

    # when / then: a 13-hour shift is refused, naming 12 hours
    with pytest.raises(ValidationError) as refused:
        workforce.record_handover(
            actor=agent, team=team, shift_started_at=timezone.now() - timedelta(hours=13)
        )
    assert refused.value.message_dict["shift_started_at"] == ["本班开始时间距交班时间超过12小时，请核对日期"]
    # and an 11-hour one is a shift
    workforce.record_handover(actor=agent, team=team, shift_started_at=timezone.now() - timedelta(hours=11))


def test_the_extension_limit_is_a_rule_and_the_refusal_quotes_it(administrator, counter_clerk):
    # given
    set_policy(actor=administrator, key="processes.extension_max_working_days", value=10)

    # when / then (refused before the process is looked at)
    with pytest.raises(ValidationError) as refused:
        processes.request_approval(
            actor=counter_clerk, process=None, kind=Approval.Kind.EXTEND, reason="图纸待补", days=11
        )
    assert refused.value.message_dict["days"] == ["延期应为1至10个工作日"]


class _Process:
    def __init__(self, facts):
        self.facts = facts


def test_the_required_signatures_are_a_rule_unless_the_process_names_its_own(administrator):
    # given every field filled, and the four departments of the seed signed except 客服中心
    facts = {"application_fields_complete": True, "signatures": ["设计室", "预算室", "工程部"]}

    # then the default asks for 客服中心's signature
    assert "客服中心" in application_complete_and_signed(_Process(facts))
    # when the administrator drops it from the rule
    set_policy(actor=administrator, key="processes.required_signatures", value="设计室，预算室，工程部")
    # then the three signatures suffice
    assert application_complete_and_signed(_Process(facts)) is None
    # and a process that names its own departments keeps them
    assert "财务部" in application_complete_and_signed(_Process(facts | {"signatures_required": ["财务部"]}))


def test_the_agents_scripts_are_rules(client_for, administrator, agent):
    # given
    set_policy(
        actor=administrator, key="hotline.script_greeting", value="您好，{中心名称}，工号为您服务，请讲"
    )
    set_policy(actor=administrator, key="hotline.script_closing", value="感谢来电，祝您生活愉快")

    # when
    html = client_for(agent).get("/hotline/").content.decode()

    # then
    assert "工号为您服务，请讲" in html and "{中心名称}" not in html
    assert "感谢来电，祝您生活愉快" in html
    assert "感谢您的来电，再见" not in html


def test_the_screen_pop_windows_are_rules(administrator, agent):
    # given a call hung up 3 minutes ago and one that rang 15 minutes ago with no hangup (a lost event)
    from kefu.telephony.models import Call
    from kefu.telephony.selectors import current_call_for

    now = timezone.now()
    hung_up = Call.objects.create(
        call_id="c-hung-up",
        agent=agent,
        started_at=now - timedelta(minutes=5),
        hangup_at=now - timedelta(minutes=3),
    )

    # then by default (shown 2 minutes after the hangup) it is gone
    assert current_call_for(agent, now=now) is None
    # when the administrator keeps a call on the pop 5 minutes after the hangup
    set_policy(actor=administrator, key="telephony.pop_after_hangup_minutes", value=5)
    assert current_call_for(agent, now=now) == hung_up

    # given a call still ringing after 15 minutes (its hangup never arrived)
    hung_up.delete()
    lost = Call.objects.create(call_id="c-lost", agent=agent, started_at=now - timedelta(minutes=15))
    # then by default (10 minutes) it no longer shows, and with 20 minutes it does
    assert current_call_for(agent, now=now) is None
    set_policy(actor=administrator, key="telephony.pop_ringing_minutes", value=20)
    assert current_call_for(agent, now=now) == lost
