"""Shared helpers of the hazard tests: API calls as a named world user, tiny valid files."""

import datetime
import io
import json

from django.test import Client
from django.utils import timezone

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def api(user):
    client = Client()
    if user is not None:
        client.force_login(user)

    class Api:
        def get(self, path):
            return client.get("/api/v1" + path)

        def post(self, path, data):
            return client.post("/api/v1" + path, data=json.dumps(data, default=str), content_type="application/json")

        def upload(self, school_id, name="photo.png", content=PNG):
            f = io.BytesIO(content)
            f.name = name
            return client.post("/api/v1/hazards/attachments", data={"school_id": school_id, "file": f})

        raw = client

    return Api()


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def hazard_payload(world, school="a1", **kw):
    data = {"school_id": world.schools[school].pk, "place": "东侧围墙", "description": "围墙高度 1.6 米，不足 2 米",
            "category": "campus", "severity": "general", "source": "joint_inspection",
            "responsible_unit": "东城实验小学", "responsible_person": "张校长", "measures": "加高围墙至 2.2 米",
            "deadline": str(in_days(14))}
    data.update(kw)
    return data
