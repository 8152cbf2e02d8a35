"""How an audit entry reads on the audit page and in its export: the typed event's Chinese label, and
before/after as field labels with old → new values (not Python dicts). Values are shown as stored:
encrypted columns were logged masked (``core.crypto``) and stay masked. No database query per entry."""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core.audit import EVENT_LABELS, event_label

# labels of the keys services write that are no field of the record (``after={"count": …}``)
EXTRA_LABELS = {
    "count": gettext_lazy("条数"), "filters": gettext_lazy("筛选条件"), "what": gettext_lazy("内容"),
    "reason": gettext_lazy("原因"), "note": gettext_lazy("说明"), "action": gettext_lazy("操作"),
    "password": gettext_lazy("密码"), "role": gettext_lazy("角色"), "unit": gettext_lazy("单位"),
    "user": gettext_lazy("用户"), "name": gettext_lazy("名称"), "size": gettext_lazy("大小"),
    "revoked": gettext_lazy("已吊销"), "everywhere": gettext_lazy("退出全部登录"),
    "tokens_revoked": gettext_lazy("吊销令牌数"), "second_factor": gettext_lazy("双因素认证"),
    "recovery_codes": gettext_lazy("恢复码"), "evidence": gettext_lazy("佐证材料"),
    "overdue_days": gettext_lazy("逾期天数"), "escalation": gettext_lazy("督办"),
}


def entry_label(entry) -> str:
    """The typed event's Chinese label, or the action's for an entry without a registered event."""
    if entry.event and entry.event in EVENT_LABELS:
        return event_label(entry.event)
    return str(entry.get_action_display())


def _model(label: str):
    if not label or "." not in label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _fields(model) -> dict:
    if model is None:
        return {}
    out = {}
    for field in model._meta.concrete_fields:
        out[field.name] = field
        out[field.attname] = field
    return out


def _text(value, field=None) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field is not None and field.choices and not isinstance(value, (list, dict)):
        value = dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_text(v)}" for k, v in value.items())
    return str(value)


def changes(entry) -> list[tuple[str, str, str]]:
    """``(field label, old, new)`` for every key of the entry's before/after, in the record's field order
    (then the other keys in their stored order). A read lists what was read instead."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    if entry.action == "read":
        return []
    fields = _fields(_model(entry.model))
    keys = list(dict.fromkeys([*before, *after]))
    order = {name: i for i, name in enumerate(fields)}
    keys.sort(key=lambda k: order.get(k, len(order)))
    rows = []
    for key in keys:
        field = fields.get(key)
        label = str(field.verbose_name) if field is not None else str(EXTRA_LABELS.get(key, key))
        old = _text(before.get(key), field) if key in before else ("" if not before else "—")
        rows.append((label, old, _text(after.get(key), field) if key in after else "—"))
    odd = [v for v in (entry.before, entry.after) if v is not None and not isinstance(v, dict)]
    if odd:  # a value that is no dict (not written by audit.record, but the column allows it)
        rows.append((_("内容"), _text(entry.before) if entry.before is not None else "", _text(entry.after)))
    return rows


def read_summary(entry) -> str:
    """What a ``read`` entry says was read: "用户列表（30 条）"."""
    after = entry.after if isinstance(entry.after, dict) else {}
    text = str(after.get("what", ""))
    if after.get("count") is not None:
        text += _("（%(n)s 条）") % {"n": after["count"]}
    if after.get("reason"):
        text += f" {after['reason']}"
    return text


def summary(entry) -> str:
    """One line for the export: "学校名称：甲 → 乙；在校生数：800 → 900"."""
    if entry.action == "read":
        return read_summary(entry)
    parts = []
    for label, old, new in changes(entry):
        parts.append(f"{label}：{old} → {new}" if old else f"{label}：{new}")
    return "；".join(parts)


def model_name(label: str) -> str:
    """The record type's Chinese name ("core.User" → "用户"), or the label as stored."""
    model = _model(label)
    return str(model._meta.verbose_name) if model is not None else label
