"""What a member of staff reads of their own: their checks and their appraisal sheets."""

from kefu.accounts.models import Role

# The roles the monthly appraisal covers (002: 客服人员, 组长, 现场接待, 培训专员).
APPRAISED_ROLES = {
    Role.AGENT,
    Role.TEAM_LEADER,
    Role.QA_INSPECTOR,
    Role.COUNTER_CLERK,
    Role.TRAINING_SPECIALIST,
}


def is_appraised(user) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", "") in APPRAISED_ROLES
