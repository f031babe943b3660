"""Who may see what of the calls: one place for pages and API alike."""

from kefu.core.permissions import require
from kefu.telephony import selectors

RECORD_EVENTS = "telephony.add_callevent"
VIEW_STATS = "telephony.view_call"
# The screen pop is part of taking calls, so it asks for what taking calls asks for.
SCREEN_POP = "hotline.add_contact"


def get_screen_pop_for(user) -> selectors.ScreenPop | None:
    """The user's own current call: nobody sees another agent's pop."""
    require(user, SCREEN_POP)
    return selectors.screen_pop_for(user)


def require_stats(user) -> None:
    require(user, VIEW_STATS)


def require_recording(user) -> None:
    require(user, RECORD_EVENTS)
