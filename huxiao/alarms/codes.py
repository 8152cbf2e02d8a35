"""SIA / ADM-CID (Contact ID) event codes in Chinese, and the category each belongs to.

ADM-CID frames are mapped to SIA two-letter codes by pysiaalarm's ADM mapping before they get here.
"""

import functools

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from huxiao.alarms.choices import AlarmCategory as C

# code: (category, label)
SIA_CODES = {
    "PA": (C.EMERGENCY, _("紧急报警（一键报警）")),
    "PR": (C.EMERGENCY, _("紧急报警恢复")),
    "HA": (C.EMERGENCY, _("挟持报警")),
    "QA": (C.EMERGENCY, _("紧急求助")),
    "MA": (C.EMERGENCY, _("医疗求助")),
    "BA": (C.INTRUSION, _("入侵报警")),
    "BV": (C.INTRUSION, _("入侵报警（已核实）")),
    "BR": (C.INTRUSION, _("入侵报警恢复")),
    "FA": (C.FIRE, _("火警")),
    "FR": (C.FIRE, _("火警恢复")),
    "TA": (C.FAULT, _("防拆报警")),
    "YT": (C.FAULT, _("电池故障")),
    "AT": (C.FAULT, _("交流电掉电")),
    "AR": (C.FAULT, _("交流电恢复")),
    "YS": (C.FAULT, _("通讯故障")),
    "YN": (C.FAULT, _("无效报告")),
    "OP": (C.ARMING, _("撤防")),
    "CL": (C.ARMING, _("布防")),
    "OA": (C.ARMING, _("自动撤防")),
    "CA": (C.ARMING, _("自动布防")),
    "RP": (C.TEST, _("定时测试")),
    "RX": (C.TEST, _("手动测试")),
    "TX": (C.TEST, _("测试报告")),
}

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
    category = PREFIX_CATEGORY.get(code[:1], C.OTHER)
    return category, f"{PREFIX_LABEL[category]}（{code}）" if code else str(PREFIX_LABEL[category])
