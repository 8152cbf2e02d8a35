"""Permission matrix cases of the school calendar: the month page and its management."""

import datetime

from tests.matrix import Case

VIEW, MANAGE = "core.view_calendar", "core.manage_calendar"


def extend_world(w):
    from huxiao.core.models import CalendarDay, Term

    w.extra["term_a"] = Term.objects.create(region=w.regions["district_a"], school_year=2026, semester=1,
                                            start=datetime.date(2026, 9, 1), end=datetime.date(2027, 1, 22))
    w.extra["day_a1"] = CalendarDay.objects.create(school=w.schools["a1"], date=datetime.date(2026, 9, 10),
                                                   kind="event", name="运动会")


def term_form(w):
    return {"form": "term", "term-region": w.regions["district_a"].code, "term-school_code": "",
            "term-school_year": "2026", "term-semester": "2", "term-start": "2027-02-20", "term-end": "2027-07-05"}


def day_form(w):
    return {"form": "day", "day-region": "", "day-school_code": w.schools["a1"].code, "day-date": "2026-11-11",
            "day-kind": "exam", "day-name": "期中考试"}


CASES = [
    Case("calendar", lambda w: "/calendar/", perm=VIEW),
    Case("calendar", lambda w: f"/calendar/?school={w.schools['a1'].pk}&month=2026-10", perm=VIEW, reach="a1"),
    Case("calendar", lambda w: "/calendar/?region=320481", perm=VIEW, reach="district_b"),
    Case("calendar-manage", lambda w: "/calendar/manage/", perm=MANAGE),
    # a place out of reach is not offered (region) or not found (school code): the form is shown again
    Case("calendar-manage", lambda w: "/calendar/manage/", perm=MANAGE, reach="district_a", method="POST",
         data=term_form, out_of_reach=None),
    Case("calendar-manage", lambda w: "/calendar/manage/", perm=MANAGE, reach="a1", method="POST",
         data=day_form, out_of_reach=None),
    Case("calendar-term-delete", lambda w: f"/calendar/terms/{w.extra['term_a'].pk}/delete/", perm=MANAGE,
         reach="district_a", method="POST"),
    Case("calendar-day-delete", lambda w: f"/calendar/days/{w.extra['day_a1'].pk}/delete/", perm=MANAGE,
         reach="a1", method="POST"),
]
