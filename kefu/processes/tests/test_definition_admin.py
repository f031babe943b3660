"""Definitions as data (P1): an administrator edits a stage's deadline, checklist or rules in the back
office; a stage naming a rule, action or form that does not exist is refused; every edit is an event."""

import json

import pytest

from kefu.core.events import events_for
from kefu.processes.models import StageDefinition


@pytest.fixture
def administrator(administrator):
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    return administrator


def _form_data(page) -> dict:
    data = {}
    for name, value in page.context["adminform"].form.initial.items():
        if value is None:
            continue
        data[name] = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
    return data


def test_an_administrator_changes_a_deadline_and_the_change_is_an_event(client_for, administrator):
    stage = StageDefinition.objects.get(definition__code="new_connection", code="survey_design")
    url = f"/admin/processes/stagedefinition/{stage.pk}/change/"
    client = client_for(administrator)
    data = _form_data(client.get(url))
    data.update({"deadline_individual": 6})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stage.refresh_from_db()
    assert stage.deadline_individual == 6
    assert events_for(stage).get().changes["deadline_individual"] == [5, 6]


def test_a_stage_naming_a_rule_that_does_not_exist_is_refused_in_chinese(client_for, administrator):
    stage = StageDefinition.objects.get(definition__code="new_connection", code="application")
    url = f"/admin/processes/stagedefinition/{stage.pk}/change/"
    client = client_for(administrator)
    data = _form_data(client.get(url))
    data.update({"rules": '["no_arrears", "no_debts"]', "forms": '["no_such_form"]'})
    page = client.post(url, data).content.decode()
    assert "没有这些规则：no_debts" in page and "没有这些打印表单：no_such_form" in page
    stage.refresh_from_db()
    assert "no_debts" not in stage.rules and not events_for(stage).exists()


def test_definitions_cannot_be_deleted(client_for, administrator):
    stage = StageDefinition.objects.first()
    response = client_for(administrator).post(f"/admin/processes/stagedefinition/{stage.pk}/delete/")
    assert response.status_code == 403
