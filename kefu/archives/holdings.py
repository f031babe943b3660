"""What an archivist holds (ch.8 §6: 档案人员工作变动严格办理档案移交手续): the files in their custody
and the keys they keep. Registered with `platform.register_app(..., holdings=[HOLDING])`: accounts
refuses to deactivate an archivist who still holds any, and the hand-over page moves them with a signed
hand-over of the holdings list (`HandOver`). Filled in by the destruction/holdings subject."""

from kefu.core.registry import Holding


def held(user) -> list[tuple[str, int, str]]:
    return []


def hand_over(*, actor, from_user, to_user, reason: str) -> int:
    return 0


HOLDING = Holding(name="archives", held=held, hand_over=hand_over)
