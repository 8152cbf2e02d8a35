"""Builders of 护学岗 records for tests: posts at the world's schools, people, rosters, check-ins."""

import datetime
import uuid

from django.utils import timezone

from huxiao.core.actions import SYSTEM
from huxiao.patrols import services
from huxiao.patrols.models import Person

# a Wednesday in term (no holiday): every window of the world's schools is due
DAY = datetime.date(2026, 3, 11)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def post_at(w, key="a1", **kw):
    school = w.schools[key]
    data = {"name": "南门护学岗", "kind": "police", "latitude": float(school.latitude),
            "longitude": float(school.longitude), "datum": "wgs84"}
    data.update(kw)
    return services.do_create_post(school, data, actor=SYSTEM)


def person_at(w, key="a1", user=None, **kw):
    data = {"name": "张民警", "kind": "police", "unit_name": "东城派出所", "phone": "13812345678"}
    data.update(kw)
    person = services.do_register_person(w.schools[key], data, actor=SYSTEM)
    if user is not None:
        Person.objects.filter(pk=person.pk).update(user=user)
        person.refresh_from_db()
    return person


def body(post, person=None, when=None, **kw):
    """A check-in as a phone sends it (JSON-ready)."""
    when = when or at(DAY, 16, 10)
    data = {"client_key": str(uuid.uuid4()), "post_id": post.pk, "kind": "check_in", "mode": "fixed",
            "device_time": when.isoformat(), "latitude": post.latitude, "longitude": post.longitude,
            "accuracy_m": 8.0}
    if person is not None:
        data["person_id"] = person.pk
    data.update(kw)
    return data


def patrol_world(w):
    """Posts at a1 and b1, a 村校联防 post at a2, people at a1 (one linked to guard_a1) and b1."""
    w.extra["post_a1"] = post_at(w, "a1")
    w.extra["post_a2"] = post_at(w, "a2", name="村校联防岗", kind="village")
    w.extra["post_b1"] = post_at(w, "b1")
    w.extra["person_a1"] = person_at(w, "a1")
    w.extra["guard_person_a1"] = person_at(w, "a1", user=w.users["guard_a1"], name="李保安", kind="security",
                                           unit_name="东城保安公司")
    w.extra["person_b1"] = person_at(w, "b1", name="王民警", unit_name="溧城派出所")
    w.extra["roster_a1"] = services.do_add_roster(w.extra["post_a1"], w.extra["person_a1"],
                                                  {"weekday": 2, "window": "afternoon"}, actor=SYSTEM)
    return w
