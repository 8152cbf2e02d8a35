"""护学岗 API for the alarm console: the nearest manned post and the patrols near a school at a moment."""

import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from huxiao.core.models import School
from huxiao.core.records.api import need
from huxiao.patrols import near

SchoolId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class PersonOnPostOut(Schema):
    name: str
    kind: str
    kind_label: str
    since: datetime.datetime


class MannedPostOut(Schema):
    post_id: int
    post_name: str
    school_id: int
    school_name: str
    distance_m: float | None
    people: list[PersonOnPostOut]


class NearPatrolOut(Schema):
    id: int
    post_id: int
    post_name: str
    school_name: str
    person_name: str
    mode: str
    mode_label: str
    at: datetime.datetime
    distance_m: float | None


class NearOut(Schema):
    school_id: int
    school_name: str
    at: datetime.datetime
    radius_m: int
    nearest: MannedPostOut | None
    manned: list[MannedPostOut]
    patrols: list[NearPatrolOut]


def get_near(request, school_id: SchoolId, at: datetime.datetime | None = None):
    need(request, near.VIEW)
    school = get_object_or_404(School.objects.visible_to(request.user, near.VIEW), pk=school_id)
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return near.feed(request.user, school, moment)


def register(router):
    """Add these operations to the app's router (``patrols/api.py``; nested routers lose the path's
    slash in the OpenAPI document built with a path prefix)."""
    router.get("/near", response=NearOut,
               summary="报警学校附近：最近的在岗护学岗、报警时刻前后的巡逻（接警台选中报警时调用）")(get_near)
