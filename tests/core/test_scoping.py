"""The one jurisdiction filter."""

from huxiao.core.models import RoleAssignment, School
from huxiao.core.scoping import can, has_perm, scope_for
from tests.world import REACH_A1, REACH_A2, REACH_B1


def visible_names(world, key, perm=None):
    return set(School.objects.visible_to(world.users[key], perm).values_list("name", flat=True))


def test_each_user_sees_exactly_their_jurisdiction(world):
    for key, user in world.users.items():
        if user is None:
            continue
        seen = set(School.objects.visible_to(user).values_list("pk", flat=True))
        expected = {world.schools[s].pk for s, reach in (("a1", REACH_A1), ("a2", REACH_A2), ("b1", REACH_B1))
                    if key in reach}
        assert seen == expected, key


def test_anonymous_and_inactive_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not School.objects.visible_to(AnonymousUser()).exists()
    user = world.users["edu_a"]
    user.is_active = False
    assert scope_for(user).empty
    assert not School.objects.visible_to(user).exists()


def test_prefixes_are_deduplicated(world):
    user = world.users["edu_a"]
    RoleAssignment.objects.create(user=user, role="education_officer", unit=world.units["edu_city"])
    user.__dict__.pop("_huxiao_assignments", None)
    user.__dict__.pop("_huxiao_scopes", None)
    assert scope_for(user).region_prefixes == ("3204",)


def test_scope_by_permission_counts_only_roles_granting_it(world):
    # a guard at a1 who is also an inspector in district B: may change nothing at a1 as a guard
    guard = world.users["guard_a1"]
    RoleAssignment.objects.create(user=guard, role="education_officer", unit=world.units["edu_b"])
    guard.__dict__.pop("_huxiao_assignments", None)
    guard.__dict__.pop("_huxiao_scopes", None)
    assert has_perm(guard, "core.change_school")
    assert not can(guard, "core.change_school", world.schools["a1"])
    assert can(guard, "core.change_school", world.schools["b1"])
    assert can(guard, "core.view_school", world.schools["a1"])


def test_superuser_sees_everything(world):
    user = world.users["norole"]
    user.is_superuser = True
    assert scope_for(user).everything
    assert School.objects.visible_to(user).count() == 3


def test_no_app_outside_core_reads_the_scope_by_hand():
    """Region checks go through the Scope's own methods (covers, covers_region, top_regions, q …): an app
    that tests ``scope.everything`` or walks ``scope.region_prefixes`` itself builds a second filter."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "huxiao"
    pattern = re.compile(r"\.everything\b|\.region_prefixes\b")
    offenders = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py") if "core" not in path.parts
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def test_scope_region_helpers(world):
    from huxiao.core.models import Region
    from huxiao.core.scoping import Scope

    city = Region.objects.get(pk="320400")
    district = Region.objects.get(pk="320413")
    scope = Scope(region_prefixes=("320413",))
    assert scope.covers_region(district) and not scope.covers_region(city)
    assert list(scope.top_regions()) == [district]
    assert Scope(everything=True).covers_region(city)
    assert [r.level for r in Scope(everything=True).top_regions()][:1] == ["province"]
    assert not Scope(school_ids=(1,)).reaches_regions and Scope(region_prefixes=("32",)).reaches_regions
