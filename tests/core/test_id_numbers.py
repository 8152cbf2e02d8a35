"""ID numbers of real people (GB 11643): any address code that exists or existed is accepted whatever the
holder's birth year; the check digit and the birth date are still checked, and a refusal says which check
failed. Through the guard roster API (the path a school's security officer uses) and the validator."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from huxiao.core.validators import id_address_name, validate_id_number
from huxiao.defense.models import Guard


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def bad_check_digit(body: str) -> str:
    good = ric.calc_check_digit(body + "0")
    return body + ("1" if good != "1" else "2")


# (number, why python-stdnum's own validate() refuses it)
REAL_PEOPLE = [
    ("320482199003121230", "金坛市 (320482) dates from 1993; born 1990"),
    (with_check_digit("32042219750314021"), "金坛县 (320422, 1983-1993); born 1975, before the code"),
    (with_check_digit("32048119850707032"), "溧阳市 (320481, since 1990); born 1985"),
    (with_check_digit("32041319880210045"), "金坛区 (320413, since 2015); born 1988"),
    (with_check_digit("32041320010101056"), "金坛区 (320413, since 2015); born 2001"),
]


def post_guard(client, school, number, name="钱保安"):
    data = {"name": name, "category": "full_time", "id_number": number, "license_number": "苏保2021001",
            "first_hired_on": "2021-09-01", "background_checked_on": "2021-08-20", "background_result": "passed"}
    return client.post(f"/api/v1/defense/schools/{school.pk}/guards", data=json.dumps(data),
                       content_type="application/json")


@pytest.mark.parametrize("number,why", REAL_PEOPLE, ids=[n for n, _why in REAL_PEOPLE])
def test_python_stdnum_alone_would_refuse_these(number, why):
    assert not ric.is_valid(number), why  # the reason this validator does not apply the birth-year test
    assert validate_id_number(number) == number


@pytest.mark.parametrize("number,why", REAL_PEOPLE, ids=[n for n, _why in REAL_PEOPLE])
def test_a_real_holder_is_put_on_the_roster(world, client_for, number, why):
    r = post_guard(client_for(world.users["security_a1"]), world.schools["a1"], number)
    assert r.status_code == 201, (why, r.content)
    guard = Guard.objects.get()
    assert guard.birth_date == datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert r.json()["id_number_masked"].endswith(number[-4:])


def test_lower_case_x_and_spaces_are_the_same_number():
    body = next(f"32041319900312{n:03d}" for n in range(1000)
                if ric.calc_check_digit(f"32041319900312{n:03d}0") == "X")
    assert validate_id_number(f" {body[:6]} {body[6:]}x ") == body + "X"


@pytest.mark.parametrize("number,told,not_told", [
    (bad_check_digit("32048219900312123"), "校验码错误", ("出生日期无效", "地址码不存在")),
    (with_check_digit("32048219900230123"), "出生日期无效（19900230）", ("校验码错误", "地址码不存在")),
    (with_check_digit("32048221000101123"), "出生日期无效（21000101）", ("校验码错误",)),  # not born yet
    (with_check_digit("32042419800101123"), "地址码不存在（320424）", ("校验码错误", "出生日期无效")),
    (with_check_digit("99999919800101123"), "地址码不存在（999999）", ("校验码错误",)),
    ("3204821990031212", "应为 18 位", ("校验码错误",)),
    ("32048219900312123Y", "应为 18 位", ("校验码错误",)),
])
def test_a_refusal_says_which_check_failed(world, client_for, number, told, not_told):
    r = post_guard(client_for(world.users["security_a1"]), world.schools["a1"], number)
    assert r.status_code == 400, r.content
    messages = " ".join(r.json()["errors"]["id_number"])
    assert "身份证号码无效" in messages and told in messages
    assert not any(other in messages for other in not_told)
    assert not Guard.objects.exists()


def test_every_failed_check_is_named_at_once():
    number = bad_check_digit("32042419900230123")  # unknown place, no such day, wrong check digit
    with pytest.raises(ValidationError) as info:
        validate_id_number(number)
    message = info.value.messages[0]
    assert "校验码错误" in message and "出生日期无效" in message and "地址码不存在" in message


def test_the_roster_page_marks_the_field_with_the_failed_check(world, client_for):
    c = client_for(world.users["security_a1"])
    r = c.post(f"/defense/schools/{world.schools['a1'].pk}/guards/new/", {
        "name": "钱保安", "category": "full_time", "id_number": bad_check_digit("32048219900312123"),
        "first_hired_on": "2021-09-01", "background_result": "pending", "health_status": "healthy"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "校验码错误" in page and 'name="id_number"' in page and "is-invalid" in page
    assert not Guard.objects.exists()


def test_address_names_come_from_the_historical_list():
    assert id_address_name("320482") == "金坛市"  # abolished in 2015
    assert id_address_name("320422") == "金坛县"  # abolished in 1993
    assert id_address_name("320413") == "金坛区"
    assert id_address_name("320211") == "郊区、滨湖区"  # one code, two names over time
    assert id_address_name("320424") is None
    assert id_address_name("3204") is None and id_address_name("32041") is None
