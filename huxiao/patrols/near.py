"""What the alarm console shows beside an alarm (issue item 7): the nearest manned 护学岗 and the patrols
near the school at the alarm's time. Read by the console on its own request when an alarm is selected —
the alarm receive path never calls this module.

- A post is *manned* at a moment when someone checked in there within :data:`HOLD` before it and has not
  checked out since.
- *Patrols near the school*: patrol checks from :data:`PATROL_BEFORE` before the moment to
  :data:`PATROL_AFTER` after it, within :data:`NEAR_M` of the school (the check's own position, else its
  post's).

Both read only what the caller's jurisdiction filter lets them see.
"""

import datetime
import math

from huxiao.patrols import geo
from huxiao.patrols.choices import CheckKind
from huxiao.patrols.models import CheckIn, Post

VIEW = "patrols.view_checkin"
NEAR_M = 5000
HOLD = datetime.timedelta(hours=2)
PATROL_BEFORE = datetime.timedelta(minutes=60)
PATROL_AFTER = datetime.timedelta(minutes=15)
MANNED_LIMIT = 5
METRES_PER_DEGREE = 111_320.0


def _box(lat, lng, metres):
    dlat = metres / METRES_PER_DEGREE
    dlng = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return {"latitude__range": (lat - dlat, lat + dlat), "longitude__range": (lng - dlng, lng + dlng)}


def _origin(school):
    if school.latitude is None or school.longitude is None:
        return None
    return float(school.latitude), float(school.longitude)


def posts_near(user, school):
    """Active posts the user may see within :data:`NEAR_M` of the school (only its own posts when the
    school has no coordinates)."""
    posts = Post.objects.visible_to(user, VIEW).filter(active=True).select_related("school")
    origin = _origin(school)
    return posts.filter(**_box(*origin, NEAR_M)) if origin else posts.filter(school=school)


def _distance(origin, lat, lng):
    if origin is None or lat is None or lng is None:
        return None
    return round(geo.distance_m(origin[0], origin[1], lat, lng), 1)


def manned_posts(user, school, at) -> list[dict]:
    """The posts near the school manned at ``at``, nearest first (at most :data:`MANNED_LIMIT`)."""
    origin = _origin(school)
    posts = {p.pk: p for p in posts_near(user, school)}
    checks = CheckIn.objects.visible_to(user, VIEW).filter(
        post_id__in=posts, kind__in=(CheckKind.CHECK_IN, CheckKind.CHECK_OUT),
        device_time__range=(at - HOLD, at)).select_related("person").order_by("device_time", "id")
    on_post: dict = {}  # post id -> {person id: check-in}
    for check in checks:
        people = on_post.setdefault(check.post_id, {})
        if check.kind == CheckKind.CHECK_IN:
            people[check.person_id] = check
        else:
            people.pop(check.person_id, None)
    rows = []
    for post_id, people in on_post.items():
        if not people:
            continue
        post = posts[post_id]
        rows.append({"post_id": post.pk, "post_name": post.name, "school_id": post.school_id,
                     "school_name": post.school.name, "distance_m": _distance(origin, post.latitude, post.longitude),
                     "people": [{"name": c.person.name, "kind": c.person.kind, "kind_label": c.person.get_kind_display(),
                                 "since": c.device_time} for c in people.values()]})
    rows.sort(key=lambda r: (r["distance_m"] is None, r["distance_m"] or 0, r["post_id"]))
    return rows[:MANNED_LIMIT]


def patrols_near(user, school, at) -> list[dict]:
    """Patrol checks near the school around ``at``, nearest first."""
    origin = _origin(school)
    posts = posts_near(user, school).values_list("pk", flat=True)
    checks = CheckIn.objects.visible_to(user, VIEW).filter(
        kind=CheckKind.PATROL, device_time__range=(at - PATROL_BEFORE, at + PATROL_AFTER),
        post_id__in=posts).select_related("post", "school", "person")
    rows = []
    for c in checks:
        lat, lng = (c.latitude, c.longitude) if c.latitude is not None else (c.post.latitude, c.post.longitude)
        distance = _distance(origin, lat, lng)
        if distance is not None and distance > NEAR_M:
            continue
        rows.append({"id": c.pk, "post_id": c.post_id, "post_name": c.post.name, "school_name": c.school.name,
                     "person_name": c.person.name, "mode": c.mode, "mode_label": c.get_mode_display(),
                     "at": c.device_time, "distance_m": distance})
    rows.sort(key=lambda r: (r["distance_m"] is None, r["distance_m"] or 0, r["at"]))
    return rows


def feed(user, school, at) -> dict:
    manned = manned_posts(user, school, at)
    return {"school_id": school.pk, "school_name": school.name, "at": at, "radius_m": NEAR_M,
            "nearest": manned[0] if manned else None, "manned": manned, "patrols": patrols_near(user, school, at)}
