"""Rules of this subject (see the app's policies.py). Keys are "<app>.<name>"."""

from kefu.core.policies import Rule

RULES: dict[str, Rule] = {}
