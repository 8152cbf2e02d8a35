"""SIA / Contact ID event codes: their Chinese labels, their category, and what kind of event each is.

Sources (cited by the tables below):

- ANSI/SIA DC-03 (SIA Digital Communication Standard — "SIA Format"): the two-letter event codes. The
  first letter names the event group (B burglary, F fire, P panic, H hold-up …), the second what happened
  (A alarm, R restoral, H alarm restore, J trouble restore, T trouble …); openings ``O?`` carry the user
  number, closings ``C?`` likewise. pysiaalarm ships the DC-03 code list (``pysiaalarm.data.sia_codes``);
  the English type of a code comes from there.
- ANSI/SIA DC-05 (Contact ID): ``Q EEE GG ZZZ`` — qualifier ``1`` new event or opening, ``3`` restore
  or closing, ``6`` previously reported condition still present (status re-report); ``EEE`` the event
  code (1xx alarms, 3xx troubles, 4xx open/close, 6xx tests …); ``GG`` group (area), ``ZZZ`` zone or user.
  On 4xx events the qualifier is open/close, not alarm/restore: ``3401`` is a closing (armed, 布防) and
  ``1401`` an opening (disarmed, 撤防). pysiaalarm's ADM mapping (``pysiaalarm.data.adm_mapping``) gives
  the SIA code of a qualifier-1 event; it knows qualifiers 1 and 3 only and turns everything else into
  ``YN``, so qualifiers 3 and 6 and the 4xx events are classified here.
"""

import functools

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pysiaalarm.data.adm_mapping import ADM_MAPPING

from huxiao.alarms.choices import AlarmCategory as C

# What an event is, as intake treats it
ALARM, RESTORE, OPENING, CLOSING, STATUS, TEST = "alarm", "restore", "opening", "closing", "status", "test"
EVENT_KINDS = (ALARM, RESTORE, OPENING, CLOSING, STATUS, TEST)

# code: (category, label)
SIA_CODES = {
    "PA": (C.EMERGENCY, _("紧急报警（一键报警）")),
    "HA": (C.EMERGENCY, _("挟持报警")),
    "QA": (C.EMERGENCY, _("紧急求助")),
    "MA": (C.EMERGENCY, _("医疗求助")),
    "BA": (C.INTRUSION, _("入侵报警")),
    "BV": (C.INTRUSION, _("入侵报警（已核实）")),
    "FA": (C.FIRE, _("火警")),
    "TA": (C.FAULT, _("防拆报警")),
    "YT": (C.FAULT, _("电池故障")),
    "AT": (C.FAULT, _("交流电掉电")),
    "YS": (C.FAULT, _("通讯故障")),
    "YC": (C.FAULT, _("通讯故障")),
    "LT": (C.FAULT, _("电话线故障")),
    "YN": (C.FAULT, _("无效报告")),
    "BB": (C.FAULT, _("防区旁路")),
    "RP": (C.TEST, _("定时测试")),
    "RX": (C.TEST, _("手动测试")),
    "TX": (C.TEST, _("测试报告")),
}

# DC-03 restorals: code -> (event group it restores, category, label). "R" restores an alarm or a trouble
# of the group, "H" its alarm only, "J" its trouble only (pysiaalarm.data.sia_codes: "Burglary Restoral",
# "Burglary Alarm Restore", "Burglary Trouble Restore" …). An unbypass (BU) is a status, not a restore.
RESTORE_CODES = {
    "BR": ("burglary", C.INTRUSION, _("入侵报警恢复")),
    "BH": ("burglary", C.INTRUSION, _("入侵报警恢复")),
    "BJ": ("burglary", C.INTRUSION, _("入侵故障恢复")),
    "FR": ("fire", C.FIRE, _("火警恢复")),
    "FH": ("fire", C.FIRE, _("火警恢复")),
    "FJ": ("fire", C.FIRE, _("火警故障恢复")),
    "PR": ("panic", C.EMERGENCY, _("紧急报警恢复")),
    "PH": ("panic", C.EMERGENCY, _("紧急报警恢复")),
    "PJ": ("panic", C.EMERGENCY, _("紧急报警故障恢复")),
    "HR": ("holdup", C.EMERGENCY, _("挟持报警恢复")),
    "HH": ("holdup", C.EMERGENCY, _("挟持报警恢复")),
    "QR": ("emergency", C.EMERGENCY, _("紧急求助恢复")),
    "QH": ("emergency", C.EMERGENCY, _("紧急求助恢复")),
    "MR": ("medical", C.EMERGENCY, _("医疗求助恢复")),
    "MH": ("medical", C.EMERGENCY, _("医疗求助恢复")),
    "GR": ("gas", C.OTHER, _("燃气报警恢复")),
    "GH": ("gas", C.OTHER, _("燃气报警恢复")),
    "WR": ("water", C.OTHER, _("水浸报警恢复")),
    "WH": ("water", C.OTHER, _("水浸报警恢复")),
    "KR": ("heat", C.FIRE, _("温感报警恢复")),
    "KH": ("heat", C.FIRE, _("温感报警恢复")),
    "TR": ("tamper", C.FAULT, _("防拆恢复")),
    "TH": ("tamper", C.FAULT, _("防拆恢复")),
    "AR": ("ac", C.FAULT, _("交流电恢复")),
    "YR": ("battery", C.FAULT, _("电池恢复")),
    "YK": ("communication", C.FAULT, _("通讯恢复")),
    "LR": ("line", C.FAULT, _("电话线恢复")),
    "UR": ("untyped", C.OTHER, _("防区恢复")),
    "UH": ("untyped", C.OTHER, _("防区恢复")),
}

# The event group of the alarms a restore can close or annotate: the DC-03 group letter, except the
# system codes (Y…, L…) whose group is the second letter's trouble.
ALARM_GROUPS = {"B": "burglary", "F": "fire", "P": "panic", "H": "holdup", "Q": "emergency", "M": "medical",
                "G": "gas", "W": "water", "K": "heat", "T": "tamper", "U": "untyped"}
SYSTEM_GROUPS = {"AT": "ac", "YT": "battery", "YM": "battery", "YS": "communication", "YC": "communication",
                 "LT": "line"}

# DC-03 openings (disarmed, 撤防) and closings (armed, 布防): code -> label; the address is the user number
# (or area for the area forms)
OPENING_CODES = {
    "OP": _("撤防"), "OA": _("自动撤防"), "OG": _("部分撤防"), "OQ": _("远程撤防"), "OS": _("钥匙开关撤防"),
    "OR": _("报警后撤防"), "OK": _("提前撤防"), "OJ": _("延迟撤防"), "OB": _("自动撤防"), "OZ": _("防区撤防"),
}
CLOSING_CODES = {
    "CL": _("布防"), "CA": _("自动布防"), "CP": _("自动布防"), "CG": _("部分布防"), "CQ": _("远程布防"),
    "CS": _("钥匙开关布防"), "CF": _("强制布防"), "CK": _("提前布防"), "CJ": _("延迟布防"), "CB": _("自动布防"),
    "CZ": _("防区布防"), "NL": _("周界布防"), "NF": _("强制周界布防"),
}
# DC-03 reports that are neither alarms nor restores nor open/close: the cancel report, power-up, program
# mode and the like (recorded, nothing to respond to)
STATUS_CODES = {"OC": (C.ARMING, _("取消报告")), "RR": (C.FAULT, _("系统上电")), "LB": (C.FAULT, _("编程开始")),
                "LX": (C.FAULT, _("编程结束")), "JT": (C.FAULT, _("时间已更改")), "YZ": (C.FAULT, _("维护完成")),
                "BU": (C.FAULT, _("防区旁路解除"))}
TEST_CODES = {"RP", "RX", "TX", "TS", "TE", "FX", "FK"}

# DC-05 4xx open/close events: event -> (code of the opening (qualifier 1), code of the closing (qualifier 3))
CID_OPEN_CLOSE = {
    "400": ("OP", "CL"), "401": ("OP", "CL"), "402": ("OG", "CG"), "403": ("OA", "CA"), "404": ("OJ", "CJ"),
    "405": ("OP", "CL"), "407": ("OQ", "CQ"), "408": ("OP", "CL"), "409": ("OS", "CS"), "441": ("OP", "NL"),
    "442": ("OS", "NL"), "456": ("OG", "CG"),
}
# DC-05 restores (qualifier 3) of the non-4xx events that pysiaalarm maps to an "H" alarm restore: the
# restoral of the group ("R", restores alarm or trouble) is what the issue asks (3130 -> BR, 3110 -> FR)
CID_RESTORE_OVERRIDE = {"BH": "BR", "FH": "FR", "PH": "PR", "HH": "HR", "QH": "QR", "MH": "MR", "GH": "GR",
                        "WH": "WR", "KH": "KR", "UH": "UR"}


def cid_event(qualifier: str, event: str) -> tuple[str, str]:
    """(SIA two-letter code, event kind) of a Contact ID event (ANSI/SIA DC-05): ``qualifier`` 1, 3 or
    6, ``event`` its three digits. Classified from the event first: on 4xx events 1 is an opening and 3
    a closing; elsewhere 1 a new event, 3 its restore, 6 a status re-report of the still present
    condition (the SIA code of the event itself, kind ``status``). An unknown event is ``YN`` (invalid
    report), recorded as a status."""
    qualifier, event = (qualifier or "").strip(), (event or "").strip()
    if qualifier not in ("1", "3", "6") or event not in ADM_MAPPING and event not in CID_OPEN_CLOSE:
        return "YN", STATUS
    if event in CID_OPEN_CLOSE:
        opening, closing = CID_OPEN_CLOSE[event]
        if qualifier == "6":
            return closing, STATUS
        return (opening, OPENING) if qualifier == "1" else (closing, CLOSING)
    new, restore = ADM_MAPPING[event]["1"], ADM_MAPPING[event]["3"]
    if qualifier == "6":
        return new, STATUS
    if qualifier == "1":
        return new, sia_kind(new)
    restore = CID_RESTORE_OVERRIDE.get(restore, restore)
    if restore == new:  # events without a restore (tests, access, program mode): a report of the same kind
        return new, sia_kind(new)
    return restore, RESTORE if restore in RESTORE_CODES else sia_kind(restore)


@functools.lru_cache(maxsize=1024)
def sia_kind(code: str) -> str:
    """What a DC-03 event code is: "alarm", "restore", "opening", "closing", "status" or "test"."""
    code = (code or "").upper()
    if code in RESTORE_CODES:
        return RESTORE
    if code in OPENING_CODES:
        return OPENING
    if code in CLOSING_CODES:
        return CLOSING
    if code in TEST_CODES:
        return TEST
    if code in STATUS_CODES:
        return STATUS
    return ALARM


def event_group(code: str) -> str:
    """The DC-03 event group of an alarm or restore code (``"burglary"`` for BA and BR …), "" if none."""
    code = (code or "").upper()
    if code in RESTORE_CODES:
        return RESTORE_CODES[code][0]
    return SYSTEM_GROUPS.get(code) or ALARM_GROUPS.get(code[:1], "")


PREFIX_CATEGORY = {"P": C.EMERGENCY, "H": C.EMERGENCY, "Q": C.EMERGENCY, "M": C.EMERGENCY, "B": C.INTRUSION,
                   "F": C.FIRE, "T": C.FAULT, "Y": C.FAULT, "A": C.FAULT, "O": C.ARMING, "C": C.ARMING,
                   "R": C.TEST}
PREFIX_LABEL = {C.EMERGENCY: _("紧急报警"), C.INTRUSION: _("入侵"), C.FIRE: _("火警"), C.FAULT: _("故障"),
                C.ARMING: _("布撤防"), C.TEST: _("测试"), C.OTHER: _("其他事件")}


def classify(code: str, language=None) -> tuple[str, str]:
    """(category, Chinese label) of a SIA event code; ``language``: the active one unless given (a caller
    classifying a batch looks it up once)."""
    return _classify((code or "").upper(), language or get_language())


@functools.lru_cache(maxsize=1024)
def _classify(code: str, language) -> tuple[str, str]:
    if code in SIA_CODES:
        category, label = SIA_CODES[code]
        return category, str(label)
    if code in RESTORE_CODES:
        return RESTORE_CODES[code][1], str(RESTORE_CODES[code][2])
    if code in OPENING_CODES:
        return C.ARMING, str(OPENING_CODES[code])
    if code in CLOSING_CODES:
        return C.ARMING, str(CLOSING_CODES[code])
    if code in STATUS_CODES:
        return STATUS_CODES[code][0], str(STATUS_CODES[code][1])
    # a trouble ("…T") of an alarm group is a fault, not a call for police (DC-03: BT, FT, PT …)
    category = C.FAULT if code[1:] == "T" else PREFIX_CATEGORY.get(code[:1], C.OTHER)
    return category, f"{PREFIX_LABEL[category]}（{code}）" if code else str(PREFIX_LABEL[category])
