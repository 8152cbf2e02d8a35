"""Validators for codes and values of the school registry and the people in it."""

import datetime
import functools
import re
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError
from stdnum.cn import ric

from huxiao.core.choices import SCHOOL_CODE_CATEGORIES

SCHOOL_CODE_RE = re.compile(r"^\d{10}$")
# Mainland China, generously: 73.3°E–135.2°E, 3.8°N–53.6°N
CHINA_LON = (Decimal("73.3"), Decimal("135.2"))
CHINA_LAT = (Decimal("3.8"), Decimal("53.6"))
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def validate_school_code(code: str, school_type: str | None = None, province_prefix: str | None = None):
    """学校标识码: 2-digit category + 2-digit province + 6-digit serial; category must fit the type."""
    if not SCHOOL_CODE_RE.match(code or ""):
        raise ValidationError(_("学校标识码应为 10 位数字"), code="format")
    if school_type:
        allowed = SCHOOL_CODE_CATEGORIES.get(school_type, set())
        if code[:2] not in allowed:
            raise ValidationError(
                _("学校标识码类别码 %(got)s 与学校类型不符（应为 %(want)s）")
                % {"got": code[:2], "want": "/".join(sorted(allowed))}, code="category")
    if province_prefix and code[2:4] != province_prefix[:2]:
        raise ValidationError(
            _("学校标识码第 3-4 位 %(got)s 与所在省份代码 %(want)s 不符")
            % {"got": code[2:4], "want": province_prefix[:2]}, code="province")


def validate_coordinates(longitude, latitude):
    if longitude is None and latitude is None:
        return
    if longitude is None or latitude is None:
        raise ValidationError(_("经度和纬度须同时填写"), code="coordinates")
    lon, lat = Decimal(str(longitude)), Decimal(str(latitude))
    if not (CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]):
        raise ValidationError(_("坐标（%(lon)s, %(lat)s）不在中国境内") % {"lon": lon, "lat": lat},
                              code="coordinates")


def validate_phone(value: str):
    if value and not PHONE_RE.match(value.replace(" ", "")):
        raise ValidationError(_("电话号码格式不正确：%(v)s") % {"v": value}, code="phone")


ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# Codes of the 港澳台居民居住证 numbers (2018) that no division list holds; 810000 and 820000 are in loc.dat
RESIDENCE_PERMIT_CODES = {"830000": "台湾居民居住证"}


@functools.cache
def id_address_name(code: str) -> str | None:
    """The name of a GB 11643 address code (the first 6 digits of an ID number) that exists or ever
    existed, from python-stdnum's historical list (``stdnum/cn/loc.dat``), or None.

    A person keeps the code of the place that issued the number, whatever their birth year: a holder of
    320482 (金坛市, 1993-2015) may be born in 1990, one of 320413 (金坛区, since 2015) before 2015. So the
    periods the list attaches to a code are not held against the birth date (``stdnum.cn.ric`` does that)."""
    from stdnum import numdb

    if code in RESIDENCE_PERMIT_CODES:
        return RESIDENCE_PERMIT_CODES[code]
    parts = numdb.get("cn/loc").info(code)
    if len(parts) != 2 or len(parts[0][0] + parts[1][0]) != 6:
        return None
    county = parts[1][1].get("county", "")
    if not county:
        return None
    names = [re.sub(r"^\[[^]]*\]", "", name) for name in county.split(",")]
    return "、".join(dict.fromkeys(n for n in names if n)) or None


def id_number_problems(number: str, *, today: datetime.date | None = None) -> list[str]:
    """Which checks of GB 11643 an 18-character ID number fails, in Chinese (empty when it passes): the
    check digit (ISO 7064 MOD 11-2), the birth date (a real day, not in the future) and the address code
    (one that exists or existed)."""
    problems = []
    if number[-1] != ric.calc_check_digit(number):
        problems.append(_("校验码错误"))
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or not EARLIEST_BIRTH <= birth <= (today or timezone.localdate()):
        problems.append(_("出生日期无效（%(d)s）") % {"d": number[6:14]})
    if id_address_name(number[:6]) is None:
        problems.append(_("地址码不存在（%(c)s）") % {"c": number[:6]})
    return problems


def validate_id_number(value: str) -> str:
    """GB 11643 citizen ID number: 18 characters, the last a check digit; returns the compact form (upper
    case, separators removed). The refusal says which check failed: 校验码错误, 出生日期无效, 地址码不存在."""
    number = re.sub(r"[\s-]", "", value or "").upper()
    if not ID_NUMBER_RE.match(number):
        raise ValidationError(_("身份证号码无效（%(v)s）：应为 18 位，前 17 位为数字，末位为数字或 X") % {
            "v": number[:20]}, code="id_number")
    problems = id_number_problems(number)
    if problems:
        raise ValidationError(_("身份证号码无效（%(v)s）：%(why)s") % {"v": number, "why": "；".join(problems)},
                              code="id_number")
    return number


class CharacterClassPasswordValidator:
    """Passwords mix at least three of: lower case, upper case, digits, symbols (等保 password rules)."""

    def validate(self, password, user=None):
        classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
        if classes < 3:
            raise ValidationError(_("密码须包含大写字母、小写字母、数字、符号中的至少三类"), code="password_classes")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少三类")


# --- plausible dates -------------------------------------------------------------------------
# A date typed by a person is checked against the range it can really fall in, so that a slip of
# the keyboard (a hazard "found" in 1900, a guard born in 2020) is refused instead of stored.

class DateKind:
    """What a date records; each kind has its own plausible range (see ``date_bounds``)."""

    EVENT = "event"        # something that has happened: hazard found, inspection, training, check
    PLANNED = "planned"    # a date set for later: deadline, plan or campaign period
    HIRE = "hire"          # first hire, departure, background check of a guard
    INSTALL = "install"    # a device's installation
    BIRTH = "birth"        # a person's birth date (age 16-80)


EARLIEST_EVENT = datetime.date(2000, 1, 1)     # the platform's records start after 2000
EARLIEST_HIRE = datetime.date(1950, 1, 1)
EARLIEST_INSTALL = datetime.date(1990, 1, 1)   # networked school security devices
FUTURE_SLACK = datetime.timedelta(days=1)      # an event may be dated tomorrow (clock or time-zone slip)
PLANNED_YEARS = 10
MIN_AGE, MAX_AGE = 16, 80


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def date_bounds(kind: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest plausible date of ``kind`` (both inclusive)."""
    if kind == DateKind.BIRTH:
        return _years_before(today, MAX_AGE + 1) + datetime.timedelta(days=1), _years_before(today, MIN_AGE)
    if kind == DateKind.PLANNED:
        return EARLIEST_EVENT, _years_before(today, -PLANNED_YEARS)
    earliest = {DateKind.EVENT: EARLIEST_EVENT, DateKind.HIRE: EARLIEST_HIRE,
                DateKind.INSTALL: EARLIEST_INSTALL}[kind]
    return earliest, today + FUTURE_SLACK


def validate_plausible_date(value, kind: str, label, *, today: datetime.date | None = None):
    """Refuse a date outside the plausible range of its kind, naming the field (``label``) in Chinese.

    ``value`` may be None (an optional field left empty) or a datetime (its date counts)."""
    if value is None:
        return value
    day = value.date() if isinstance(value, datetime.datetime) else value
    today = today or timezone.localdate()
    earliest, latest = date_bounds(kind, today)
    if earliest <= day <= latest:
        return value
    if kind == DateKind.BIRTH:
        message = _("%(field)s %(value)s 不合理：年龄应在 %(min)d～%(max)d 岁之间（按此日期为 %(age)d 岁）") % {
            "field": label, "value": day.isoformat(), "min": MIN_AGE, "max": MAX_AGE, "age": age_on(day, today)}
    elif day < earliest:
        message = _("%(field)s %(value)s 不合理：不能早于 %(earliest)s") % {
            "field": label, "value": day.isoformat(), "earliest": earliest.isoformat()}
    else:
        message = _("%(field)s %(value)s 不合理：不能晚于 %(latest)s") % {
            "field": label, "value": day.isoformat(), "latest": latest.isoformat()}
    raise ValidationError(message, code="implausible_date")


@deconstructible
class PlausibleDateValidator:
    """Form-field validator: ``forms.DateField(validators=[PlausibleDateValidator(DateKind.EVENT, _("发现日期"))])``."""

    def __init__(self, kind: str, label):
        self.kind, self.label = kind, label

    def __call__(self, value):
        validate_plausible_date(value, self.kind, self.label)

    def __eq__(self, other):
        return isinstance(other, PlausibleDateValidator) and (self.kind, str(self.label)) == (
            other.kind, str(other.label))


def PlausibleDate(kind: str, label):  # noqa: N802 - used as a type in API schemas
    """An API schema date type refused with 422 when implausible: ``found_on: PlausibleDate(DateKind.EVENT, "发现日期")``."""

    def check(value):
        try:
            return validate_plausible_date(value, kind, label)
        except ValidationError as exc:
            raise PydanticCustomError("implausible_date", exc.messages[0]) from None

    return Annotated[datetime.date, AfterValidator(check)]


# --- region codes ----------------------------------------------------------------------------
# Every region code anyone types is checked against the shipped GB/T 2260 list (which stops at the
# counties): a province, city or county code must be in it; a 9-digit 乡镇街道 or 12-digit 村/社区 code
# must extend a county in it. Filters may also give the significant prefix (2 digits for a province,
# 4 for a city).

REGION_CODE_RE = re.compile(r"^\d+$")
NATION_CODE = "000000"  # the whole country (全国), for those whose jurisdiction is everything


@functools.cache
def shipped_regions() -> dict[str, str]:
    """code -> level of the shipped GB/T 2260 list."""
    from huxiao.core.regions_data import read_regions

    return {row["code"]: row["level"] for row in read_regions()}


def validate_region_code(code, label=None, *, prefix_ok=False) -> str:
    """Return ``code`` if it is a known division (or, with ``prefix_ok``, a known division's
    2/4-digit prefix); raise ValidationError naming the field otherwise."""
    label = label or _("区划代码")
    code = (code or "").strip()
    known = shipped_regions()
    lengths = (2, 4, 6, 9, 12) if prefix_ok else (6, 9, 12)
    if not REGION_CODE_RE.match(code) or len(code) not in lengths:
        raise ValidationError(
            _("%(field)s“%(value)s”格式不正确：应为 %(lengths)s 位数字") % {
                "field": label, "value": code[:20], "lengths": "/".join(str(n) for n in lengths)},
            code="region_format")
    if len(code) in (2, 4):
        ok = code.ljust(6, "0") in known
    elif len(code) == 6:
        ok = code in known or (code == NATION_CODE and not prefix_ok)
    else:
        ok = (known.get(code[:6]) == "county" and code[6:9] != "000"
              and (len(code) == 9 or code[9:] != "000"))
    if not ok:
        raise ValidationError(
            _("%(field)s“%(value)s”不是有效的行政区划代码（不在 GB/T 2260 区划表中，乡镇、村代码须以已知区县代码开头）")
            % {"field": label, "value": code}, code="region_unknown")
    return code


def region_filter_prefix(code: str) -> str:
    """The prefix a known region's records start with: ``320000`` -> ``32``, ``320400`` -> ``3204``."""
    code = validate_region_code(code, prefix_ok=True)
    level = shipped_regions().get(code)
    return {"province": code[:2], "city": code[:4]}.get(level, code)


def _pydantic_region(label, prefix_ok):
    def check(value):
        try:
            code = validate_region_code(value, label, prefix_ok=prefix_ok)
        except ValidationError as exc:
            raise PydanticCustomError("region_code", exc.messages[0]) from None
        return region_filter_prefix(code) if prefix_ok else code

    return check


# A full region code in a request body or query (kept as given) ...
RegionCode = Annotated[str, AfterValidator(_pydantic_region(_lazy("区划代码"), False))]
# ... and a region filter: a known code or prefix, turned into the prefix its records start with.
RegionPrefix = Annotated[str, AfterValidator(_pydantic_region(_lazy("区划代码"), True))]


@deconstructible
class RegionCodeValidator:
    """Form-field validator for region codes (``prefix_ok`` for filters)."""

    def __init__(self, label=None, prefix_ok=False):
        self.label, self.prefix_ok = label, prefix_ok

    def __call__(self, value):
        if value:
            validate_region_code(value, self.label, prefix_ok=self.prefix_ok)

    def __eq__(self, other):
        return isinstance(other, RegionCodeValidator) and (str(self.label), self.prefix_ok) == (
            str(other.label), other.prefix_ok)


# --- passwords (applied whenever a password is set through the product; AUTH_PASSWORD_VALIDATORS) -----

class MinimumLengthPasswordValidator:
    """At least ``min_length`` characters (12 by default)."""

    def __init__(self, min_length=12):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(_("密码太短：至少需要 %(n)d 个字符") % {"n": self.min_length},
                                  code="password_too_short")

    def get_help_text(self):
        return _("密码至少 %(n)d 个字符") % {"n": self.min_length}


class StrengthPasswordValidator:
    """zxcvbn's estimate (score 0–4) must reach ``min_score``. The password is judged as typed and in
    lower case, so a leading capital does not hide a run such as ``Abcdefghij12``; the user's name and
    account are given to zxcvbn as words an attacker knows."""

    def __init__(self, min_score=3):
        self.min_score = min_score

    def validate(self, password, user=None):
        from zxcvbn import zxcvbn

        known = [v for v in (getattr(user, "username", ""), getattr(user, "full_name", "")) if v]
        sample = password[:72]  # zxcvbn refuses longer input (ValueError) and is quadratic; 72 decide it
        score = min(zxcvbn(sample, user_inputs=known)["score"], zxcvbn(sample.lower(), user_inputs=known)["score"])
        if score < self.min_score:
            raise ValidationError(
                _("密码太容易被猜到（如连续字母、键盘序列、常见单词加数字），请使用更长、无规律的密码"),
                code="password_weak")

    def get_help_text(self):
        return _("不能使用连续字母、键盘序列、常见单词加数字等容易猜到的密码")


class CommonPasswordValidator:
    """Not on Django's list of 20,000 common passwords (compared in lower case)."""

    def validate(self, password, user=None):
        from django.contrib.auth.password_validation import CommonPasswordValidator as Django

        try:
            Django().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(_("该密码属于常见密码，请另选一个"), code="password_too_common") from exc

    def get_help_text(self):
        return _("不能使用常见密码")


class NoUsernamePasswordValidator:
    """The password does not contain the account name (nor the person's name), in any case."""

    def validate(self, password, user=None):
        lowered = password.lower()
        for value in (getattr(user, "username", ""), getattr(user, "full_name", "")):
            if value and len(value) >= 2 and value.lower() in lowered:
                raise ValidationError(_("密码不能包含账号或姓名"), code="password_contains_username")

    def get_help_text(self):
        return _("密码不能包含账号或姓名")
