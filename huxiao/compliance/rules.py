"""Rule sets are data: one YAML file per campaign in ``rulesets/``, validated when loaded.

A bad file fails with ``RuleSetError`` naming the file, the rule and the field. A rule decides, for one
school, met / not met / not applicable with a reason in Chinese (``Rule.evaluate``).
"""

import datetime
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.compliance.choices import Status, ThreeHundred
from huxiao.compliance.measures import MEASURES, check_params
from huxiao.core.choices import Ownership, SchoolType, Setting

RULESET_DIR = Path(__file__).parent / "rulesets"
APPLIES_KEYS = {"school_types", "ownership", "settings", "boarding", "vehicle_access", "complex_environment"}
CHOICES = {"school_types": dict(SchoolType.choices), "ownership": dict(Ownership.choices),
           "settings": dict(Setting.choices)}
FACT_OF = {"school_types": "school_type", "ownership": "ownership", "settings": "setting"}
BOOL_LABELS = {"boarding": (gettext_lazy("寄宿制学校"), gettext_lazy("非寄宿制学校")),
               "vehicle_access": (gettext_lazy("校门前可通行机动车的学校"), gettext_lazy("校门前不通行机动车的学校")),
               "complex_environment": (gettext_lazy("治安交通环境复杂的学校"), gettext_lazy("治安交通环境不复杂的学校"))}


class RuleSetError(ValueError):
    """A rule-set file that cannot be used; the message names file, rule and field."""


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    measure: dict
    target: float
    deadline: datetime.date | None
    applies_to: dict = field(default_factory=dict)
    three_100: str = ""
    cite: str = ""
    assumption: str = ""  # a figure the seeds do not give: shown on the page as a configurable assumption
    national: bool = False  # joined from the national "三个100%" (rulesets/_three_100.yaml)

    def applies(self, facts) -> tuple[bool, str]:
        """Whether the rule applies to the school, and if not, why (Chinese)."""
        conditions = {k: v for k, v in self.applies_to.items() if k != "any_of"}
        ok, reason = _match(conditions, facts)
        if not ok:
            return False, reason
        alternatives = self.applies_to.get("any_of")
        if alternatives:
            reasons = []
            for alt in alternatives:
                ok, why = _match(alt, facts)
                if ok:
                    return True, ""
                reasons.append(why)
            return False, "；".join(reasons)
        return True, ""

    def evaluate(self, facts) -> tuple[str, str]:
        ok, reason = self.applies(facts)
        if not ok:
            return Status.NOT_APPLICABLE, _("不适用：%(r)s") % {"r": reason}
        met, reason = MEASURES[self.measure["kind"]][0](facts, self.measure)
        if met is None:
            return Status.NOT_APPLICABLE, _("不适用：%(r)s") % {"r": reason}
        return (Status.MET if met else Status.NOT_MET), reason


def _match(conditions: dict, facts) -> tuple[bool, str]:
    for key, wanted in conditions.items():
        if key in CHOICES:
            value = getattr(facts, FACT_OF[key])
            if value not in wanted:
                labels = "、".join(str(CHOICES[key][w]) for w in wanted)
                return False, _("仅适用于%(labels)s（本校为%(v)s）") % {"labels": labels, "v": CHOICES[key][value]}
        else:
            value = getattr(facts, key)
            if bool(value) != wanted:
                return False, _("仅适用于%(what)s") % {"what": BOOL_LABELS[key][0 if wanted else 1]}
    return True, ""


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    issuer: str
    region: str
    start: datetime.date
    end: datetime.date
    phases: tuple
    rules: tuple
    seed: str = ""
    filename: str = ""

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def _fail(filename, where, message):
    raise RuleSetError(_("规则集 %(f)s：%(w)s：%(m)s") % {"f": filename, "w": where, "m": message})


def _date(value, filename, where):
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        _fail(filename, where, _("应为日期 YYYY-MM-DD，实为 %(v)r") % {"v": value})
    return value


def _check_applies(applies, filename, where, nested=False):
    if not isinstance(applies, dict):
        _fail(filename, where, _("应为映射"))
    for key, value in applies.items():
        if key == "any_of" and not nested:
            if not isinstance(value, list) or not value:
                _fail(filename, f"{where}.any_of", _("应为非空列表"))
            for i, alt in enumerate(value):
                _check_applies(alt, filename, f"{where}.any_of[{i}]", nested=True)
        elif key in CHOICES:
            if not isinstance(value, list) or not value or any(v not in CHOICES[key] for v in value):
                _fail(filename, f"{where}.{key}", _("应为非空列表，取值限于 %(c)s") % {"c": sorted(CHOICES[key])})
        elif key in BOOL_LABELS:
            if not isinstance(value, bool):
                _fail(filename, f"{where}.{key}", _("应为 true 或 false"))
        else:
            _fail(filename, f"{where}.{key}", _("未知的适用条件"))


def parse_ruleset(data, filename="<memory>") -> RuleSet:
    """Validate a loaded YAML document and build the RuleSet (RuleSetError on the first problem)."""
    if not isinstance(data, dict) or not isinstance(data.get("campaign"), dict):
        _fail(filename, "campaign", _("缺少 campaign 段"))
    c = data["campaign"]
    for key in ("code", "name", "issuer", "region", "start", "end"):
        if key not in c or c[key] in (None, ""):
            _fail(filename, f"campaign.{key}", _("缺少必填字段"))
    region = "" if c["region"] == "national" else str(c["region"])
    if region and not region.isdigit():
        _fail(filename, "campaign.region", _("应为区划代码前缀（数字）或 national"))
    start, end = _date(c["start"], filename, "campaign.start"), _date(c["end"], filename, "campaign.end")
    if end < start:
        _fail(filename, "campaign.end", _("结束日期早于开始日期"))
    phases = []
    for i, ph in enumerate(c.get("phases") or []):
        where = f"campaign.phases[{i}]"
        if not isinstance(ph, dict) or not ph.get("name"):
            _fail(filename, where, _("阶段应有 name、start、end"))
        ps, pe = _date(ph.get("start"), filename, f"{where}.start"), _date(ph.get("end"), filename, f"{where}.end")
        if pe < ps:
            _fail(filename, f"{where}.end", _("结束日期早于开始日期"))
        phases.append({"name": str(ph["name"]), "start": ps, "end": pe})
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        _fail(filename, "rules", _("应为非空列表"))
    rules, seen = [], set()
    for i, r in enumerate(raw_rules):
        if not isinstance(r, dict):
            _fail(filename, f"rules[{i}]", _("应为映射"))
        rid = str(r.get("id") or "")
        where = _("规则 %(id)s") % {"id": rid or f"rules[{i}]"}
        if not rid:
            _fail(filename, f"rules[{i}].id", _("缺少必填字段"))
        if rid in seen:
            _fail(filename, f"{where}.id", _("编号重复"))
        seen.add(rid)
        unknown = set(r) - {"id", "name", "applies_to", "measure", "target", "deadline", "three_100", "cite",
                            "assumption"}
        if unknown:
            _fail(filename, f"{where}.{sorted(unknown)[0]}", _("未知字段"))
        if not r.get("name"):
            _fail(filename, f"{where}.name", _("缺少必填字段"))
        target = r.get("target", 1.0)
        if isinstance(target, bool) or not isinstance(target, (int, float)) or not 0 < target <= 1:
            _fail(filename, f"{where}.target", _("应为 (0, 1] 之间的比率，实为 %(v)r") % {"v": target})
        deadline = r.get("deadline")
        if deadline is not None:
            _date(deadline, filename, f"{where}.deadline")
        applies = r.get("applies_to") or {}
        _check_applies(applies, filename, f"{where}.applies_to")
        try:
            check_params(r.get("measure"), "measure")
        except ValueError as exc:
            _fail(filename, where + "." + str(exc).split(": ", 1)[0], str(exc).split(": ", 1)[-1])
        three = r.get("three_100") or ""
        if three and three not in ThreeHundred.values:
            _fail(filename, f"{where}.three_100", _("取值限于 %(c)s") % {"c": ThreeHundred.values})
        if three and three in {x.three_100 for x in rules}:
            _fail(filename, f"{where}.three_100", _("与其他规则重复"))
        rules.append(Rule(id=rid, name=str(r["name"]), measure=r["measure"], target=float(target),
                          deadline=deadline, applies_to=applies, three_100=three, cite=str(r.get("cite") or ""),
                          assumption=str(r.get("assumption") or "")))
    return RuleSet(code=str(c["code"]), name=str(c["name"]), issuer=str(c["issuer"]), region=region,
                   start=start, end=end, phases=tuple(phases), rules=tuple(rules), seed=str(c.get("seed") or ""),
                   filename=filename)


def load_ruleset_text(text: str, filename="<memory>") -> RuleSet:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleSetError(_("规则集 %(f)s：YAML 格式错误：%(e)s") % {"f": filename, "e": exc}) from exc
    return parse_ruleset(data, filename)


def load_ruleset_file(path: Path) -> RuleSet:
    return load_ruleset_text(path.read_text(encoding="utf-8"), path.name)


NATIONAL_FILE = "_three_100.yaml"


@cache
def national_three_100() -> tuple:
    """The rules of the national "三个100%" (``rulesets/_three_100.yaml``), marked ``national``."""
    rs = load_ruleset_file(RULESET_DIR / NATIONAL_FILE)
    return tuple(replace(r, national=True) for r in rs.rules)


def with_three_100(rs: RuleSet, national=None) -> RuleSet:
    """``rs`` with the national rule of every "三个100%" indicator it does not define itself, so that every
    campaign shows the three cards (and the two networked indicators) computed by a cited rule."""
    national = national_three_100() if national is None else national
    own = {r.three_100 for r in rs.rules if r.three_100}
    ids = {r.id for r in rs.rules}
    extra = tuple(r for r in national if r.three_100 not in own and r.id not in ids)
    return replace(rs, rules=rs.rules + extra) if extra else rs


@cache
def shipped_rulesets() -> dict:
    """Every rule set shipped in the package, by campaign code (validated; a bad file raises), each with
    the national "三个100%" it lacks. Files starting with ``_`` are not campaigns."""
    out = {}
    for path in sorted(RULESET_DIR.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        rs = with_three_100(load_ruleset_file(path))
        if rs.code in out:
            raise RuleSetError(_("规则集 %(f)s：campaign.code：与 %(o)s 重复") % {"f": path.name,
                                                                            "o": out[rs.code].filename})
        out[rs.code] = rs
    return out
