"""Measures: how a rule looks at a school's facts. Each returns ``(met, reason)``: ``met`` is True or False,
or None when the school has nothing the measure is about (not applicable, with the reason).

A measure is named in the rule-set YAML (``measure: {kind: guards_min, ...}``); its parameters are
checked when the file is loaded (``check_params`` raises ValueError naming the parameter).
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.defense.choices import BackgroundResult, EquipmentKind, GuardCategory
from huxiao.defense.staffing import required_guards
from huxiao.devices.choices import DeviceKind, DeviceLocation

CATEGORY_LABELS = dict(GuardCategory.choices)
KIND_LABELS = dict(DeviceKind.choices)
LOCATION_LABELS = dict(DeviceLocation.choices)
EQUIPMENT_LABELS = dict(EquipmentKind.choices)
FACILITY_FLAGS = {"closed_management": gettext_lazy("封闭化管理"), "gate_duty_room": gettext_lazy("门卫值班室"),
                  "parent_waiting_area": gettext_lazy("家长等候区")}


def _n(value: int) -> str:
    return f"{value:,}"


def _labels(categories) -> str:
    return "、".join(str(CATEGORY_LABELS[c]) for c in categories)


def guards_min(facts, p):
    categories = p.get("categories", [GuardCategory.FULL_TIME])
    have = sum(1 for g in facts.guards if g.category in categories)
    if "min" in p:
        need = p["min"]
        basis = ""
    else:
        day_only = p.get("enrolment") == "non_boarding"
        enrolment = facts.students - (facts.boarding_students if day_only else 0)
        need = required_guards(enrolment, p.get("bands"), p.get("step"))
        basis = (_("按走读生 %(n)s 人") if day_only else _("按在校生 %(n)s 人")) % {"n": _n(enrolment)}
    reason = _("%(cat)s %(have)d 人，%(basis)s应不少于 %(need)d 人") % {
        "cat": _labels(categories), "have": have, "basis": basis, "need": need}
    return have >= need, reason


def guards_licensed(facts, p):
    categories = p.get("categories", [GuardCategory.FULL_TIME])
    guards = [g for g in facts.guards if g.category in categories]
    if not guards:
        return False, _("未配备%(cat)s") % {"cat": _labels(categories)}
    missing = [g.name for g in guards if not g.licensed]
    if missing:
        return False, _("%(names)s 未登记保安员证") % {"names": "、".join(missing)}
    return True, _("%(cat)s %(n)d 人均持保安员证") % {"cat": _labels(categories), "n": len(guards)}


def guard_hire_age(facts, p):
    """000 §三(一)2 "2022年底前，全省中小学幼儿园首次聘用专职保安员年龄不得超过50岁": a condition that must
    hold by the rule's deadline for every such guard in post, judged on each one's age on the day first
    hired (whenever that was), not a rule about hires after some date.

    A school with none of these guards is **not applicable** (``None``): the sentence limits the age of the
    full-time guards a school has hired; with none there is nobody the condition is about, and counting
    it as met would raise the rate by the schools that have no guard at all. Having the guards is its own
    indicator (000 §三(一)2 配备率: JS-RF-1/JS-RF-2, and the 三个100%), where such a school fails."""
    categories = p.get("categories", [GuardCategory.FULL_TIME])
    max_age = p.get("max_age", 50)
    guards = [g for g in facts.guards if g.category in categories]
    if not guards:
        return None, _("本校无在岗%(cat)s，首次聘用年龄要求无适用对象（配备要求由配备率指标考核）") % {
            "cat": _labels(categories)}
    over = [g for g in guards if g.hire_age > max_age]
    if over:
        return False, "；".join(_("%(name)s 于 %(d)s 首次聘用时 %(age)d 岁，超过 %(max)d 岁") % {
            "name": g.name, "d": g.first_hired_on.isoformat(), "age": g.hire_age, "max": max_age} for g in over)
    return True, _("在岗%(cat)s %(n)d 人，首次聘用时均不超过 %(max)d 岁") % {
        "cat": _labels(categories), "n": len(guards), "max": max_age}


def guards_background(facts, p):
    categories = p.get("categories", [c.value for c in GuardCategory])
    guards = [g for g in facts.guards if g.category in categories]
    if not guards:
        return False, _("未登记安保人员")
    pending = [g.name for g in guards if g.background_result != BackgroundResult.PASSED]
    if pending:
        return False, _("%(names)s 未通过或未进行安全背景审查") % {"names": "、".join(pending)}
    return True, _("在岗安保人员 %(n)d 人均已通过安全背景审查") % {"n": len(guards)}


def facility_flag(facts, p):
    label = FACILITY_FLAGS[p["field"]]
    if facts.facility is None:
        return False, _("未登记物防设施，无法确认%(label)s") % {"label": label}
    if facts.facility.get(p["field"]):
        return True, _("已落实%(label)s") % {"label": label}
    return False, _("未落实%(label)s") % {"label": label}


def enclosure_height(facts, p):
    min_m = Decimal(str(p.get("min_m", 2)))
    f = facts.facility
    if f is None or f.get("enclosure_type") in (None, "none"):
        return False, _("未建围墙或护栏（高度应不低于 %(m)s 米）") % {"m": min_m}
    height = f.get("enclosure_height_m")
    if height is None or Decimal(str(height)) < min_m:
        return False, _("围墙高度 %(h)s 米，应不低于 %(m)s 米") % {"h": height if height is not None else "未填",
                                                                   "m": min_m}
    return True, _("围墙高度 %(h)s 米，不低于 %(m)s 米") % {"h": height, "m": min_m}


def anti_ramming(facts, p):
    f = facts.facility
    if f is None:
        return False, _("未登记物防设施，无法确认硬质防冲撞设施")
    if p.get("only_if_needed") and not f.get("anti_ramming_needed"):
        return True, _("经排查无需安装硬质防冲撞设施")
    if f.get("anti_ramming_kinds"):
        from huxiao.defense.choices import BarrierKind

        labels = dict(BarrierKind.choices)
        return True, _("已安装硬质防冲撞设施：%(k)s") % {"k": "、".join(str(labels.get(k, k)) for k in
                                                                      f["anti_ramming_kinds"])}
    return False, _("校门口未安装硬质防冲撞设施（隔离栏、隔离墩或升降柱）")


def traffic_facilities(facts, p):
    from huxiao.defense.choices import TrafficFacility

    f = facts.facility
    if f is None:
        return False, _("未登记物防设施，无法确认周边交通设施")
    labels = dict(TrafficFacility.choices)
    missing = [k for k in f.get("traffic_needed") or [] if k not in (f.get("traffic_installed") or [])]
    if missing:
        return False, _("周边尚缺交通设施：%(k)s") % {"k": "、".join(str(labels.get(k, k)) for k in missing)}
    return True, _("周边需设交通设施均已设置")


def equipment_min(facts, p):
    short = [(k, facts.equipment.get(k, 0), n) for k, n in p["kinds"].items() if facts.equipment.get(k, 0) < n]
    if short:
        return False, "；".join(_("%(k)s %(have)d 件，应不少于 %(n)d 件") % {
            "k": EQUIPMENT_LABELS[k], "have": have, "n": n} for k, have, n in short)
    return True, _("防护装备已配齐")


def _device_matches(d, p):
    return (d.kind in p["kinds"] and (not p.get("locations") or d.location in p["locations"])
            and (p.get("police_built") is None or d.police_built == p["police_built"]))


def _device_what(p) -> str:
    where = "、".join(str(LOCATION_LABELS[loc]) for loc in p.get("locations") or [])
    what = "/".join(str(KIND_LABELS[k]) for k in p["kinds"])
    if p.get("police_built"):
        what = _("公安自建") + what
    return f"{where}{what}" if where else what


def devices_installed(facts, p):
    need = p.get("min", 1)
    have = sum(1 for d in facts.devices if _device_matches(d, p))
    what = _device_what(p)
    if have >= need:
        return True, _("%(what)s已登记 %(n)d 台") % {"what": what, "n": have}
    return False, _("%(what)s已登记 %(have)d 台，应不少于 %(need)d 台") % {"what": what, "have": have, "need": need}


def devices_networked(facts, p):
    need = p.get("min", 1)
    matching = [d for d in facts.devices if _device_matches(d, p)]
    online = sum(1 for d in matching if d.networked)
    what = _device_what(p)
    if not matching:
        return False, _("未登记%(what)s") % {"what": what}
    if online >= need and (not p.get("all") or online == len(matching)):
        return True, _("%(what)s %(on)d/%(n)d 台在监测窗口内有心跳（联网）") % {
            "what": what, "on": online, "n": len(matching)}
    return False, _("%(what)s %(on)d/%(n)d 台联网，%(off)d 台超出监测窗口未上报心跳") % {
        "what": what, "on": online, "n": len(matching), "off": len(matching) - online}


def all_of(facts, p):
    """Every sub-measure met; a sub-measure that does not apply is left out (all of them: not applicable)."""
    results = [MEASURES[m["kind"]][0](facts, m) for m in p["measures"]]
    judged = [(ok, reason) for ok, reason in results if ok is not None]
    if not judged:
        return None, "；".join(reason for _ok, reason in results)
    failed = [reason for ok, reason in judged if not ok]
    if failed:
        return False, "；".join(failed)
    return True, "；".join(reason for _ok, reason in judged)


# kind -> (function, required params, optional params)
MEASURES = {
    "guards_min": (guards_min, set(), {"categories", "min", "bands", "step", "enrolment"}),
    "guards_licensed": (guards_licensed, set(), {"categories"}),
    "guard_hire_age": (guard_hire_age, set(), {"categories", "max_age"}),
    "guards_background": (guards_background, set(), {"categories"}),
    "facility_flag": (facility_flag, {"field"}, set()),
    "enclosure_height": (enclosure_height, set(), {"min_m"}),
    "anti_ramming": (anti_ramming, set(), {"only_if_needed"}),
    "traffic_facilities": (traffic_facilities, set(), set()),
    "equipment_min": (equipment_min, {"kinds"}, set()),
    "devices_installed": (devices_installed, {"kinds"}, {"locations", "police_built", "min"}),
    "devices_networked": (devices_networked, {"kinds"}, {"locations", "police_built", "min", "all"}),
    "all_of": (all_of, {"measures"}, set()),
}


def _check_int(value, name, minimum=0):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} 应为不小于 {minimum} 的整数")


def _check_choice_list(value, name, allowed):
    if not isinstance(value, list) or not value or any(v not in allowed for v in value):
        raise ValueError(f"{name} 应为非空列表，取值限于 {sorted(allowed)}")


def check_params(p: dict, path="measure"):
    """Validate one measure's parameters; raise ValueError('<path>.<param>: message')."""
    if not isinstance(p, dict) or "kind" not in p:
        raise ValueError(f"{path}.kind: 缺少度量类型")
    kind = p["kind"]
    if kind not in MEASURES:
        raise ValueError(f"{path}.kind: 未知的度量类型 {kind!r}，可选 {sorted(MEASURES)}")
    _fn, required, optional = MEASURES[kind]
    keys = set(p) - {"kind"}
    for name in sorted(required - keys):
        raise ValueError(f"{path}.{name}: 缺少必填参数")
    for name in sorted(keys - required - optional):
        raise ValueError(f"{path}.{name}: 未知参数")
    try:
        _check_values(kind, p, path)
    except ValueError as exc:
        msg = str(exc)
        raise ValueError(msg if msg.startswith(path) else f"{path}.{msg}") from None


def _check_values(kind, p, path):
    if "categories" in p:
        _check_choice_list(p["categories"], "categories", {c.value for c in GuardCategory})
    for name in ("min", "max_age"):
        if name in p:
            _check_int(p[name], name)
    if "bands" in p:
        bands = p["bands"]
        if (not isinstance(bands, list) or not bands
                or any(not isinstance(b, list) or len(b) != 2 for b in bands)):
            raise ValueError("bands 应为 [[起始人数, 人数], …] 列表")
        for floor, count in bands:
            _check_int(floor, "bands"), _check_int(count, "bands")
        floors = [b[0] for b in bands]
        if floors != sorted(set(floors)) or floors[0] != 0:
            raise ValueError("bands 的起始人数应从 0 开始严格递增")
    if "step" in p and p["step"] is not None:
        step = p["step"]
        if not isinstance(step, dict) or set(step) != {"above", "every", "add"}:
            raise ValueError("step 应含 above、every、add")
        _check_int(step["above"], "step.above"), _check_int(step["every"], "step.every", 1)
        _check_int(step["add"], "step.add")
    if "enrolment" in p and p["enrolment"] not in ("all", "non_boarding"):
        raise ValueError("enrolment 应为 all 或 non_boarding")
    if kind == "facility_flag" and p["field"] not in FACILITY_FLAGS:
        raise ValueError(f"field 取值限于 {sorted(FACILITY_FLAGS)}")
    if "min_m" in p and (isinstance(p["min_m"], bool) or not isinstance(p["min_m"], (int, float))
                         or p["min_m"] <= 0):
        raise ValueError("min_m 应为正数")
    for name in ("only_if_needed", "all"):
        if name in p and not isinstance(p[name], bool):
            raise ValueError(f"{name} 应为 true 或 false")
    if "police_built" in p and not isinstance(p["police_built"], bool):
        raise ValueError("police_built 应为 true 或 false")
    if kind == "equipment_min":
        kinds = p["kinds"]
        if not isinstance(kinds, dict) or not kinds or any(k not in EQUIPMENT_LABELS for k in kinds):
            raise ValueError(f"kinds 应为 {{装备类别: 数量}}，类别限于 {sorted(EQUIPMENT_LABELS)}")
        for k, n in kinds.items():
            _check_int(n, f"kinds.{k}", 1)
    elif "kinds" in p:
        _check_choice_list(p["kinds"], "kinds", set(KIND_LABELS))
    if "locations" in p:
        _check_choice_list(p["locations"], "locations", set(LOCATION_LABELS))
    if kind == "all_of":
        if not isinstance(p["measures"], list) or not p["measures"]:
            raise ValueError("measures 应为非空列表")
        for i, sub in enumerate(p["measures"]):
            check_params(sub, f"{path}.measures[{i}]")
