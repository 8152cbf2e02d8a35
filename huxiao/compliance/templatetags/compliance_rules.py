"""``{{ status|rule_name }}``: the name of a RuleStatus row's rule, from its campaign's rule set."""

from django import template

from huxiao.compliance.filters import rule_name

register = template.Library()
register.filter("rule_name", rule_name)
