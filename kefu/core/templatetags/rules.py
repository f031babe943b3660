"""A template quoting a rule reads it: `{% load rules %}{% rule "hotline.callback_hours" as hours %}`
then `{{ hours }}小时内回电率`, so the page says the administrator's number, not the seed's."""

from django import template

from kefu.core.policies import policy

register = template.Library()


@register.simple_tag
def rule(key: str):
    """The rule's typed value, read now (an unknown key raises, as policy() does)."""
    return policy(key)
