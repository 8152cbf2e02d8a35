"""Personal data of guards and school contacts, tested as an attacker reads it.

The attacker signs in as every role in turn (and none), reads every page, API answer and export that shows
a guard roster or a school's contacts, pools what they saw, and tries to rebuild each guard's ID number
(GB 11643: 6-digit county code, birth date, 3-digit sequence, check digit) from it: every GB/T 2260 county
code, every birth date the pooled facts allow, the check digit computed with python-stdnum. At least
10^4 candidates must remain for every guard. The same attacker, handed what the roster used to show
(``3204**********0526`` and the birth date), rebuilds the numbers almost exactly, so the check can fail.
"""

import datetime
import io
import json
import random
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from stdnum.cn import ric

from huxiao.core import crypto
from huxiao.core.choices import AuditAction
from huxiao.core.models import AuditLog
from huxiao.core.regions_data import read_regions
from huxiao.defense.models import Guard
from tests.defense.fixtures import add_guard
from tests.world import ALL_USER_KEYS, INSPECTORS_A1, REACH_A1, ROLE_USERS, SCHOOL_SECURITY_A1

PERSONAL_USERS = SCHOOL_SECURITY_A1 | INSPECTORS_A1  # the school's security staff, 教育 and 公安 over it
NAMES_ONLY_USERS = REACH_A1 - PERSONAL_USERS  # reach school a1 (guard, 政法委, admin), no need for it
MIN_CANDIDATES = 10 ** 4
WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
# every county code an attacker would try: the shipped GB/T 2260 list plus retired codes still printed on
# ID cards (金坛市 320482 became 金坛区 320413 in 2015)
COUNTIES = sorted({r["code"] for r in read_regions() if r["level"] == "county"} | {"320482"})


def _residue(digits: str, offset: int = 0) -> int:
    return sum(int(d) * WEIGHTS[offset + i] for i, d in enumerate(digits)) % 11


# counties grouped by their share of the weighted sum mod 11: the check digit depends on nothing else of them
CLASSES: dict[int, list[str]] = {}
for _code in COUNTIES:
    CLASSES.setdefault(_residue(_code), []).append(_code)


def candidates(seen: dict) -> tuple[int, bool]:
    """How many ID numbers agree with what was seen of one guard, and whether the real one is among them.

    ``seen``: ``masked`` (the ID with ``*`` for hidden characters), optionally ``birth_date``,
    ``birth_year``, ``hire_age`` with ``first_hired_on``; ``truth`` is the real number (for the check)."""
    masked, truth = seen["masked"], seen["truth"]
    assert len(masked) == 18

    def fits(pattern: str, value: str) -> bool:
        return all(p == "*" or p == v for p, v in zip(pattern, value, strict=True))

    if seen.get("birth_date"):
        dates = [seen["birth_date"]]
    elif seen.get("hire_age") is not None:
        hired, age = seen["first_hired_on"], seen["hire_age"]
        start = datetime.date(hired.year - age - 1, 1, 1)
        dates = [start + datetime.timedelta(days=n) for n in range(3 * 366)]
        dates = [b for b in dates
                 if hired.year - b.year - ((hired.month, hired.day) < (b.month, b.day)) == age]
    else:  # nothing about the birth: a plausible working age, 18 to 65
        dates = [datetime.date(1960, 1, 1) + datetime.timedelta(days=n) for n in range(47 * 365)]
    if seen.get("birth_year"):
        dates = [b for b in dates if b.year == seen["birth_year"]]
    dates = [b for b in dates if fits(masked[6:14], f"{b:%Y%m%d}")]
    seqs = [f"{n:03d}" for n in range(1000) if fits(masked[14:17], f"{n:03d}")]
    counties = {r: [c for c in codes if fits(masked[:6], c)] for r, codes in CLASSES.items()}
    total, found = 0, False
    for b in dates:
        for seq in seqs:
            for codes in counties.values():
                if not codes:
                    continue
                body = f"{codes[0]}{b:%Y%m%d}{seq}"
                check = ric.calc_check_digit(body + "0")  # python-stdnum: the same for every code of the class
                if masked[17] not in ("*", check):
                    continue
                total += len(codes)
                found = found or (truth[6:17] == body[6:] and truth[:6] in codes and truth[17] == check)
    return total, found


@pytest.fixture
def roster(world):
    """A generated roster of school a1: 40 guards of every category, random births, hires and phones."""
    rng = random.Random(20261201)
    a1, truth = world.schools["a1"], {}
    for n in range(40):
        hired = datetime.date(rng.randint(2005, 2025), rng.randint(1, 12), rng.randint(1, 28))
        birth = datetime.date(hired.year - rng.randint(19, 55), rng.randint(1, 12), rng.randint(1, 28))
        category = rng.choice(["full_time", "part_time", "doorkeeper", "dorm_keeper"])
        guard = add_guard(a1, name=f"名册{n:02d}号", category=category, birth=birth, hired=hired, seq=rng.randint(0, 999),
                          phone=f"139{rng.randint(10 ** 7, 10 ** 8 - 1)}")
        truth[guard.name] = (crypto.decrypt(guard.id_number_encrypted), birth, guard.phone)
    a1.principal_phone, a1.security_phone = "13812345678", "13987654321"
    a1.save()
    return truth


def everything_seen(world, client_for) -> tuple[dict, str]:
    """(guard name -> pooled roster facts from the API, all text any role was shown)."""
    a1 = world.schools["a1"].pk
    facts, texts = {}, []
    for key in ALL_USER_KEYS:
        c = client_for(world.users[key])
        for url in (f"/api/v1/defense/schools/{a1}", f"/defense/schools/{a1}/", f"/schools/{a1}/",
                    f"/api/v1/schools/{a1}", "/api/v1/schools", f"/compliance/schools/{a1}/",
                    "/audit/?model=defense.Guard", "/compliance/export.xlsx"):
            r = c.get(url)
            if r.status_code != 200:
                continue
            if url.endswith(".xlsx"):
                import openpyxl

                book = openpyxl.load_workbook(io.BytesIO(r.content))
                texts.extend(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v)
                continue
            texts.append(r.content.decode())
            if url.startswith("/api/v1/defense/"):
                for g in r.json()["guards"]:
                    pooled = facts.setdefault(g["name"], {})
                    for field, value in g.items():
                        if value is not None:
                            pooled.setdefault(field, value)
    return facts, "\n".join(texts)


def test_no_guard_id_number_can_be_rebuilt_from_what_any_role_sees(world, client_for, roster):
    facts, text = everything_seen(world, client_for)
    assert set(facts) == set(roster)
    worst = None
    for name, (number, birth, _phone) in roster.items():
        seen = facts[name]
        assert "birth_date" not in seen and "birth_year" not in seen
        for shown in (f"{birth:%Y-%m-%d}", f"{birth:%Y%m%d}", f"{birth.year}年{birth.month}月{birth.day}日",
                      number[:6] + "*", number[:14], number):
            assert shown not in text, (name, shown)
        masked = seen["id_number_masked"]
        assert re.fullmatch(r"\*{14}[0-9X]{4}", masked) and masked[-4:] == number[-4:]
        count, found = candidates({"masked": masked, "hire_age": seen.get("hire_age"), "truth": number,
                                   "first_hired_on": datetime.date.fromisoformat(seen["first_hired_on"])})
        assert found, name  # the attacker's search space does hold the real number
        assert count >= MIN_CANDIDATES, (name, count)
        worst = count if worst is None else min(worst, count)
    assert worst >= MIN_CANDIDATES


def test_the_attacker_rebuilds_what_the_roster_used_to_show(roster):
    """The old view (first 4 and last 4 characters and the birth date) leaves a handful of numbers."""
    for name, (number, birth, _phone) in list(roster.items())[:10]:
        old_mask = number[:4] + "*" * 10 + number[-4:]
        count, found = candidates({"masked": old_mask, "birth_date": birth, "truth": number})
        assert found and count <= 20, (name, count)


def test_roster_personal_fields_only_for_security_staff_and_supervising_officials(world, client_for, roster):
    a1 = world.schools["a1"].pk
    some = next(iter(roster))
    number, _birth, phone = roster[some]
    for key in PERSONAL_USERS:
        c = client_for(world.users[key])
        row = next(g for g in c.get(f"/api/v1/defense/schools/{a1}").json()["guards"] if g["name"] == some)
        assert row["personal"] and row["phone"] == phone and row["id_number_masked"].endswith(number[-4:]), key
        page = c.get(f"/defense/schools/{a1}/").content.decode()
        assert phone in page and number[-4:] in page, key
    for key in NAMES_ONLY_USERS:
        c = client_for(world.users[key])
        rows = c.get(f"/api/v1/defense/schools/{a1}").json()["guards"]
        assert {g["name"] for g in rows} == set(roster), key
        for g in rows:
            assert not g["personal"]
            assert all(g[f] is None for f in ("id_number_masked", "license_number", "first_hired_on", "hire_age",
                                              "phone", "background_result", "background_checked_on",
                                              "health_status", "left_on")), key
        page = c.get(f"/defense/schools/{a1}/").content.decode()
        assert some in page and phone not in page and "*" * 14 not in page and "guard-names-only" in page, key
    for key in sorted(ROLE_USERS - REACH_A1):  # out of jurisdiction: nothing at all
        assert client_for(world.users[key]).get(f"/api/v1/defense/schools/{a1}").status_code == 404


def test_contact_phones_masked_for_roles_without_need_and_lists(world, client_for, roster):
    a1 = world.schools["a1"].pk
    for key in PERSONAL_USERS | NAMES_ONLY_USERS:
        c = client_for(world.users[key])
        full = key in PERSONAL_USERS
        detail = c.get(f"/api/v1/schools/{a1}").json()
        assert detail["principal_phone"] == ("13812345678" if full else "138****5678"), key
        assert detail["security_phone"] == ("13987654321" if full else "139****4321"), key
        page = c.get(f"/schools/{a1}/").content.decode()
        assert ("13812345678" in page) == full and ("138****5678" in page) != full, key
        listed = {s["id"]: s for s in c.get("/api/v1/schools").json()["items"]}
        assert listed[a1]["principal_phone"] == "138****5678", key


def test_phones_are_encrypted_at_rest(world, roster):
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM defense_guard")
        stored = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT principal_phone, security_phone FROM core_school WHERE id = %s",
                       [world.schools["a1"].pk])
        stored += list(cursor.fetchone())
    phones = {p for _n, _b, p in roster.values()} | {"13812345678", "13987654321"}
    assert stored and all(v.startswith("v2:") for v in stored)
    assert not any(p in v for v in stored for p in phones)
    # the audit log keeps them masked and never the birth date
    entries = json.dumps(list(AuditLog.objects.filter(model__in=["defense.Guard", "core.School"]).values(
        "before", "after")), ensure_ascii=False)
    assert not any(p in entries for p in phones)
    assert not any(f"{b:%Y-%m-%d}" in entries for _n, b, _p in roster.values())


def test_every_roster_and_contact_read_is_audited_once(world, client_for, roster):
    a1 = world.schools["a1"]
    for key, url in (("security_a1", f"/api/v1/defense/schools/{a1.pk}"), ("guard_a1", f"/defense/schools/{a1.pk}/"),
                     ("station_a1", f"/schools/{a1.pk}/"), ("edu_a", f"/api/v1/schools/{a1.pk}")):
        mine = AuditLog.objects.filter(action=AuditAction.READ, username=key, model="core.School")
        before = mine.count()
        assert client_for(world.users[key]).get(url).status_code == 200
        assert mine.count() == before + 1, url  # one entry for the whole roster, not one per guard
        assert mine.order_by("-id").first().school_id == a1.pk, url
    # a refused read leaves no entry
    before = AuditLog.objects.filter(action=AuditAction.READ).count()
    assert client_for(world.users["edu_b"]).get(f"/api/v1/defense/schools/{a1.pk}").status_code == 404
    assert AuditLog.objects.filter(action=AuditAction.READ).count() == before


def test_data_migration_encrypts_plain_phones_and_narrows_old_masks(world, roster):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("huxiao.defense.migrations.0002_guard_personal_data")
    guard = Guard.objects.order_by("pk").first()
    number = roster[guard.name][0]
    old_mask = number[:4] + "*" * 10 + number[-4:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE defense_guard SET phone = %s, id_number_masked = %s WHERE id = %s",
                       ["13600001111", old_mask, guard.pk])
    AuditLog.objects.create(action=AuditAction.CREATE, model="defense.Guard", object_id=str(guard.pk),
                            after={"birth_date": "1980-01-01", "id_number_masked": old_mask, "phone": "13600001111"})
    assert Guard.objects.get(pk=guard.pk).phone == "13600001111"  # a plain row still reads before migrating
    editor = SimpleNamespace(connection=connection)  # what the migration's function uses of its schema editor
    migration.forwards(apps, editor)
    migration.forwards(apps, editor)  # re-running is harmless
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number_masked FROM defense_guard WHERE id = %s", [guard.pk])
        phone, masked = cursor.fetchone()
    assert phone.startswith("v2:") and masked == "*" * 14 + number[-4:]
    assert Guard.objects.get(pk=guard.pk).phone == "13600001111"
    entry = AuditLog.objects.filter(model="defense.Guard").order_by("-id").first()
    assert entry.after == {"id_number_masked": "*" * 14 + number[-4:], "phone": "136****1111"}
