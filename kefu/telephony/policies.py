"""The telephony app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import INT, PolicyDefault

RULES: dict[str, PolicyDefault] = {
    "telephony.answer_within_seconds": PolicyDefault(
        15,
        "铃响三声内接听：振铃到接听不超过此秒数",
        "热线服务规范第2条：铃响三声内接听",
        kind=INT,
        minimum=1,
        maximum=120,
    ),
}
