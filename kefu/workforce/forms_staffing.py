"""The staffing calculator's form (S5): validation only."""

from django import forms

from kefu.core.policies import policy


class StaffingForm(forms.Form):
    MODELS = [("erlang_c", "Erlang C（不计放弃）"), ("erlang_a", "Erlang A（计入放弃）")]

    calls = forms.FloatField(label="时段来电量（件）", min_value=0, max_value=1_000_000)
    interval_s = forms.IntegerField(label="时段长度（秒）", min_value=60, max_value=86_400, initial=1800)
    aht_s = forms.FloatField(label="平均处理时长（秒）", min_value=1, max_value=36_000)
    service_level = forms.IntegerField(label="服务水平目标（%）", min_value=1, max_value=99)
    answer_within_s = forms.FloatField(label="接听时限（秒）", min_value=0, max_value=3600)
    shrinkage = forms.IntegerField(
        label="缺勤与非话务时间（%，可空）", min_value=0, max_value=94, required=False
    )
    model = forms.ChoiceField(label="模型", choices=MODELS, initial="erlang_c")
    patience_s = forms.FloatField(
        label="平均等待耐心（秒，Erlang A）", min_value=1, max_value=86_400, required=False
    )

    MAX_TRAFFIC_ERLANGS = 5000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aht_s"].initial = policy("workforce.average_handling_seconds")
        self.fields["service_level"].initial = policy("workforce.service_level_percent")
        self.fields["answer_within_s"].initial = policy("workforce.answer_within_seconds")

    def clean(self):
        data = super().clean()
        if data.get("model") == "erlang_a" and not data.get("patience_s"):
            self.add_error("patience_s", "Erlang A 测算须填写平均等待耐心（秒）")
        calls, interval, aht = data.get("calls"), data.get("interval_s"), data.get("aht_s")
        if None not in (calls, interval, aht) and calls * aht / interval > self.MAX_TRAFFIC_ERLANGS:
            limit = self.MAX_TRAFFIC_ERLANGS
            self.add_error("calls", f"话务量超过{limit}爱尔兰，请核对来电量、时段与处理时长")
        return data
