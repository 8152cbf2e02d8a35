"""The demo district's 护学岗 records make a live dashboard: posts at most schools that must have one,
a simulated duty with late arrivals, one missing window and one arrival outside the fence."""

import pytest

from huxiao.core.demo import seed_demo
from huxiao.patrols import counts
from huxiao.patrols import demo as patrol_demo
from huxiao.patrols.models import CheckIn, Post, Roster

pytestmark = pytest.mark.django_db


def test_demo_district_is_alive():
    ctx = seed_demo()
    patrol_demo.seed(ctx)
    assert Post.objects.filter(kind="village").exists() and Roster.objects.exists()
    from huxiao.core.models import School

    district = School.objects.filter(district=ctx.district)
    setting = counts.setting_rate(district)
    assert setting["required"] - setting["with_post"] == patrol_demo.WITHOUT_POST
    checks = CheckIn.objects.filter(kind="check_in")
    assert checks.filter(late=True).exists() and checks.filter(late=False).exists()
    assert checks.filter(outside_fence=True).count() == 1
    assert CheckIn.objects.filter(kind="patrol", mode__in=["car", "foot"]).exists()
    assert CheckIn.objects.filter(school=ctx.flagship, recorded_by=ctx.users["menwei"]).exists()
    # one window of the simulated days nobody came to
    posts = Post.objects.filter(school__district=ctx.district)
    days = sorted(set(CheckIn.objects.values_list("duty_date", flat=True)))
    figures = [counts.attendance(posts, day) for day in days]
    assert sum(len(f["missing"]) for f in figures) == 1
    assert all(0 < f["rate"] < 100 for f in figures if f["due"])
    assert counts.monthly_form(ctx.district, ctx.today)["volunteers"] > 0


def test_demo_boarding_schools_have_weekly_windows():
    import datetime

    from huxiao.patrols import duty
    from huxiao.patrols.models import Timetable

    ctx = seed_demo()
    patrol_demo.seed(ctx)
    posts = list(Post.objects.filter(school__boarding=True).select_related("school"))
    assert posts and Timetable.objects.filter(school__boarding=True, boarding_return_time__isnull=False).exists()
    week = [ctx.today + datetime.timedelta(days=n) for n in range(7)]
    found = {w.kind for day in week for w in duty.windows_on(posts, day)}
    assert {"leave", "return"} <= found
