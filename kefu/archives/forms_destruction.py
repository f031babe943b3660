"""Forms of destruction, the holdings check and the hand-over pages: validation only (the services
decide the rules and say why in Chinese)."""

from django import forms

from kefu.accounts.models import User
from kefu.archives.services.destruction import leaders

STAFF_LIMIT = 500


def staff():
    """Active staff with a role (who may sit in the appraisal group or sign as present)."""
    return User.objects.filter(is_active=True).exclude(role="").order_by("name", "pk")


class StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name or obj.username}（{obj.get_role_display()}）"


class ProposeForm(forms.Form):
    reason = forms.CharField(
        label="销毁理由（鉴定小组意见）",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写销毁理由（鉴定小组意见）"},
    )
    appraisal_group = StaffChoices(
        label="鉴定小组成员（提出人自动计入）",
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": "所选鉴定小组成员不存在或已停用"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appraisal_group"].queryset = staff()


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", max_length=200, required=False)


class CarryOutForm(forms.Form):
    place = forms.CharField(
        label="销毁地点", max_length=100, error_messages={"required": "请填写销毁地点（在指定地点销毁）"}
    )
    witnesses = StaffChoices(
        label="在场并签字的人员",
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": "所选签字人不存在或已停用"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["witnesses"].queryset = staff()


class InspectionForm(forms.Form):
    """One pair of fields per checklist item (item_<n>: ok / problem, note_<n>), the leader the problems
    are reported to, and anything else found."""

    problems = forms.CharField(
        label="其他问题或说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reported_to = forms.ModelChoiceField(
        label="发现问题报告领导",
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": "所选领导不存在"},
    )

    def __init__(self, *args, checklist: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        self.fields["reported_to"].queryset = leaders()
        for n, item in enumerate(checklist):
            self.fields[f"item_{n}"] = forms.ChoiceField(
                label=item["label"],
                choices=(("ok", "正常"), ("problem", "发现问题")),
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{n}"] = forms.CharField(
                label=f"{item['label']}情况", max_length=200, required=False
            )

    def rows(self):
        return [(item, self[f"item_{n}"], self[f"note_{n}"]) for n, item in enumerate(self.checklist)]

    def results(self) -> dict:
        answers = {}
        for n, item in enumerate(self.checklist):
            choice = self.cleaned_data.get(f"item_{n}") or ""
            answers[item["code"]] = {
                "ok": {"ok": True, "problem": False}.get(choice),
                "note": self.cleaned_data.get(f"note_{n}") or "",
            }
        return answers
