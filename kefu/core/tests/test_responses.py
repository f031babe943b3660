from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import engines
from django.test import RequestFactory

from kefu.core.responses import bad_request, error_text


class _PeriodForm(forms.Form):
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)
    year = forms.IntegerField(label="年份")


def test_a_validation_errors_reasons_are_one_line_joined_with_the_chinese_semicolon():
    assert error_text(ValidationError(["月份不对", "年份不对"])) == "月份不对；年份不对"


def test_a_forms_errors_are_one_line_in_field_order():
    form = _PeriodForm(data={"month": "13", "year": ""})
    form.is_valid()

    assert error_text(form) == "确保该值小于或等于12。；这个字段是必填项。"


def test_a_refusal_without_text_reads_as_the_plain_permission_refusal():
    assert error_text(PermissionDenied()) == "您的角色没有此项权限"
    assert error_text(PermissionDenied("只有主任可以办理")) == "只有主任可以办理"


def test_a_bad_request_is_the_page_again_with_the_reason_and_status_400(monkeypatch):
    # given a page template that shows the error and echoes what the reader typed
    template = engines["django"].from_string("{{ error }}|{{ month_value }}")
    monkeypatch.setattr("django.template.loader.get_template", lambda name, using=None: template)
    request = RequestFactory().get("/reports/monthly/?month=2026-13")

    # when
    response = bad_request(
        request, "reports/monthly.html", ValidationError("月份不对"), month_value="2026-13"
    )

    # then
    assert response.status_code == 400
    assert response.content.decode() == "月份不对|2026-13"
