"""The swap form: the choices a person has (their own upcoming shifts, colleagues of the same role and
those colleagues' upcoming shifts); the rules of 换班制度 are checked by the service."""

from django import forms

from kefu.workforce import selectors_swaps


def shift_text(entry) -> str:
    return f"{entry.day:%Y-%m-%d} {entry.shift.name}（{selectors_swaps.span_text(entry)}）"


class OwnShiftField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return shift_text(obj)


class ColleagueShiftField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person} {shift_text(obj)}"


class SwapField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        given = obj.given_entry
        return f"{obj.number} {obj.requester}⇄{obj.colleague} {given.day:%Y-%m-%d}{given.shift.name}"


class SwapForm(forms.Form):
    given_entry = OwnShiftField(label="换出的班（本人）", queryset=None, empty_label="请选择")
    colleague = forms.ModelChoiceField(label="对方（同工种）", queryset=None, empty_label="请选择")
    taken_entry = ColleagueShiftField(
        label="换入的班（对方的班；不选表示对方替班，日后还班）",
        queryset=None,
        required=False,
        empty_label="不换入（对方替班）",
    )
    returns = SwapField(
        label="还班：所还的换班（不是还班则不选）", queryset=None, required=False, empty_label="不是还班"
    )
    reason = forms.CharField(label="换班事由", max_length=200)
    handover_note = forms.CharField(label="双方交待事项", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_entry"].queryset = selectors_swaps.upcoming_entries(user)
        self.fields["colleague"].queryset = selectors_swaps.colleagues_for(user)
        self.fields["taken_entry"].queryset = selectors_swaps.colleagues_shifts(user)
        self.fields["returns"].queryset = selectors_swaps.returnable(user)

    def clean(self):
        data = super().clean()
        colleague, taken = data.get("colleague"), data.get("taken_entry")
        if colleague is not None and taken is not None and taken.person_id != colleague.pk:
            self.add_error("taken_entry", f"换入的班是{taken.person}的班，不是所选对方{colleague}的班")
        return data
