"""Validators for codes and values of the school registry and the people in it."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

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


def validate_id_number(value: str) -> str:
    """GB 11643 citizen ID number (18 characters with check digit); returns the compact form."""
    try:
        return ric.validate(value)
    except (StdnumError, KeyError, ValueError) as exc:  # stdnum's place look-up raises KeyError for some codes
        raise ValidationError(_("身份证号码无效：%(v)s") % {"v": value}, code="id_number") from exc


class CharacterClassPasswordValidator:
    """Passwords mix at least three of: lower case, upper case, digits, symbols (等保 password rules)."""

    def validate(self, password, user=None):
        classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
        if classes < 3:
            raise ValidationError(_("密码须包含大写字母、小写字母、数字、符号中的至少三类"), code="password_classes")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少三类")


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
        sample = password[:100]  # zxcvbn is quadratic; 100 characters decide it
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
