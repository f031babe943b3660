"""The telephony app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import LOCAL_DEFAULT, MINUTES, SECONDS, Rule

RULES: dict[str, Rule] = {
    "telephony.answer_within_seconds": Rule(
        15,
        "铃响三声内接听：振铃到接听不超过此秒数",
        "供水手册第三章第2条：服务人员应在电话铃响三声内接听，超过三声后接听应向客户致歉",
        kind=SECONDS,
        minimum=1,
        maximum=120,
    ),
    # The screen pop shows a call while it rings or is in progress, and a little after the hangup while
    # the agent finishes the registration. At most an hour: the pop's archive-read log looks back one
    # hour for the call it already logged (kefu.telephony.services.POP_READ_LOOKBACK).
    "telephony.pop_ringing_minutes": Rule(
        10,
        "来电弹屏：未挂机的来电最多显示多少分钟（丢失挂机信号时不再弹出）",
        LOCAL_DEFAULT,
        kind=MINUTES,
        minimum=1,
        maximum=60,
    ),
    "telephony.pop_after_hangup_minutes": Rule(
        2,
        "来电弹屏：挂机后继续显示多少分钟（便于坐席完成登记）",
        LOCAL_DEFAULT,
        kind=MINUTES,
        minimum=0,
        maximum=30,
    ),
}
