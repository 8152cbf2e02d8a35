"""The units and users a system administrator manages (``core.manage_users`` within their jurisdiction),
for the user pages and the API alike."""

from django.db.models import Q

from huxiao.core.models import Unit, User
from huxiao.core.scoping import scope_for

MANAGE_USERS = "core.manage_users"


def managed_units(user):
    """The units in the administrator's reach (their regions and schools)."""
    return Unit.objects.filter(scope_for(user, MANAGE_USERS).q("region_code", "school__id"))


def managed_users(user):
    """Users holding a role in a managed unit, and users holding none yet."""
    units = managed_units(user)
    return User.objects.filter(Q(role_assignments__unit__in=units) | Q(role_assignments__isnull=True)).distinct()


def wholly_managed_users(user):
    """Users whose every role lies in the administrator's reach (or who hold none yet), superusers never:
    a token acts with all of its user's roles, so one role elsewhere puts the user out of this
    administrator's hands."""
    outside = Unit.objects.exclude(scope_for(user, MANAGE_USERS).q("region_code", "school__id"))
    return User.objects.filter(is_superuser=False).exclude(role_assignments__unit__in=outside)
