"""Sign-in state of a user for the administrator's user page."""

from django import template

from huxiao.core import passwords, signin, twofactor

register = template.Library()


@register.simple_tag
def signin_state(subject):
    state = signin.account_state(subject.username)
    return {"failures": state["failures"], "wait": signin.remaining_delay(subject.username),
            "has_otp": twofactor.confirmed_device(subject) is not None,
            "must_change": passwords.must_change(subject)}
