"""Permission matrix of the 三防 bulk endpoints. A user holding the role but not reaching the school gets
the row refused in the report (400, nothing written), not a 404: the school is named inside the body."""

import datetime

from tests.defense.fixtures import ensure_records, id_number
from tests.matrix import Case

CHANGE = "defense.change_records"


def extend_world(w):
    ensure_records(w)


def guards(w):
    return {"items": [{"school_id": w.schools["a1"].pk, "name": "周保安", "category": "full_time",
                       "id_number": id_number(datetime.date(1979, 4, 2), 88), "license_number": "苏保8888",
                       "first_hired_on": "2021-09-01"}]}


def facilities(w):
    return {"items": [{"school_id": w.schools["a2"].pk, "enclosure_type": "fence", "gate_duty_room": True,
                       "closed_management": True}]}


def equipment(w):
    return {"items": [{"school_id": w.schools["a1"].pk, "kind": "gloves", "count": 7}]}


# each allowed write: the record's own entry (its service) and the bulk's summary entry
CASES = [
    Case("defense-import", lambda w: "/defense/import/guards/", perm=CHANGE),
    Case("POST /api/v1/defense/guards/bulk", lambda w: "/api/v1/defense/guards/bulk", perm=CHANGE, reach="a1",
         method="POST", data=guards, content_type="json", out_of_reach=None, audit_entries=2),
    Case("POST /api/v1/defense/facilities/bulk", lambda w: "/api/v1/defense/facilities/bulk", perm=CHANGE,
         reach="a2", method="POST", data=facilities, content_type="json", out_of_reach=None, audit_entries=2),
    Case("POST /api/v1/defense/equipment/bulk", lambda w: "/api/v1/defense/equipment/bulk", perm=CHANGE,
         reach="a1", method="POST", data=equipment, content_type="json", out_of_reach=None, audit_entries=2),
]
