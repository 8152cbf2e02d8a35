"""Enumerations of the core domain, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("区县")
    TOWN = "town", _("乡镇街道")


class UnitKind(models.TextChoices):
    POLICE = "police", _("公安")
    EDUCATION = "education", _("教育")
    POLITICAL_LEGAL = "plc", _("政法委/综治办")
    SCHOOL = "school", _("学校")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("区县级")
    STATION = "station", _("派出所/乡镇级")
    SCHOOL = "school", _("学校")


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("幼儿园")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    COMPLETE_SECONDARY = "complete", _("完全中学")
    NINE_YEAR = "nine_year", _("九年一贯制学校")
    VOCATIONAL = "vocational", _("中等职业学校")
    SPECIAL = "special", _("特殊教育学校")
    TEACHING_POINT = "teaching_point", _("教学点")


# Ministry of Education school identity code: 2-digit category + 2-digit province + 6-digit serial
# ("学校(机构)代码管理办法", 2011). The category digits each school type may carry.
SCHOOL_CODE_CATEGORIES = {
    SchoolType.KINDERGARTEN: {"11"},
    SchoolType.PRIMARY: {"21"},
    SchoolType.TEACHING_POINT: {"21"},
    SchoolType.JUNIOR: {"31", "32"},
    SchoolType.NINE_YEAR: {"21", "31"},
    SchoolType.SENIOR: {"34"},
    SchoolType.COMPLETE_SECONDARY: {"31", "34"},
    SchoolType.VOCATIONAL: {"36"},
    SchoolType.SPECIAL: {"51"},
}


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")


class Setting(models.TextChoices):
    URBAN = "urban", _("城市")
    TOWN = "town", _("城镇")
    RURAL = "rural", _("乡村")


class Role(models.TextChoices):
    PRINCIPAL = "principal", _("校长/园长")
    SECURITY_OFFICER = "security_officer", _("学校安保干部")
    GUARD = "guard", _("门卫/保安员")
    STATION_OFFICER = "station_officer", _("派出所民警")
    POLICE_SUPERVISOR = "police_supervisor", _("公安治安/内保监管")
    EDUCATION_OFFICER = "education_officer", _("教育局安保干部")
    INSPECTOR = "inspector", _("责任督学")
    PLC_COORDINATOR = "plc_coordinator", _("政法委协调员")
    SYSADMIN = "sysadmin", _("系统管理员")


SCHOOL_ROLES = {Role.PRINCIPAL, Role.SECURITY_OFFICER, Role.GUARD}
POLICE_ROLES = {Role.STATION_OFFICER, Role.POLICE_SUPERVISOR}

# Which unit kinds a role may be bound to.
ROLE_UNIT_KINDS = {
    Role.PRINCIPAL: {UnitKind.SCHOOL},
    Role.SECURITY_OFFICER: {UnitKind.SCHOOL},
    Role.GUARD: {UnitKind.SCHOOL},
    Role.STATION_OFFICER: {UnitKind.POLICE},
    Role.POLICE_SUPERVISOR: {UnitKind.POLICE},
    Role.EDUCATION_OFFICER: {UnitKind.EDUCATION},
    Role.INSPECTOR: {UnitKind.EDUCATION},
    Role.PLC_COORDINATOR: {UnitKind.POLITICAL_LEGAL},
    Role.SYSADMIN: {UnitKind.EDUCATION, UnitKind.POLICE, UnitKind.POLITICAL_LEGAL},
}


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    READ = "read", _("读取敏感信息")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
