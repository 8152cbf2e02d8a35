"""The data block of a DC-09 message, read as the events it reports.

SIA-DCS (ANSI/SIA DC-03, carried by DC-09 §5.5.1.8): blocks separated by ``|``, the first the account
(``#1234``), then information blocks ``N`` (new event) or ``O`` (old event) made of packets separated by
``/`` (the separator may be left out after a modifier, as many panels do: ``Nri1BA004``):

- modifier packets (DC-03 §5.2.1.2), lower-case, apply to the events after them: ``ri`` area (partition),
  ``id`` user, ``ti`` time, ``pi`` peripheral, and ``da ai ph lv va pt rg ss``;
- data code packets (§5.2.1.1): the two-letter event code then its address — the zone, or the user
  number for an opening/closing (``OP``/``CL``…), e.g. ``Nri2/BA004`` burglary in zone 4 of area 2 —
  optionally ``*units`` and a ``^description^``;
- ``A`` blocks carry text for the events before them; other blocks are kept as text.

``Nri1/BA004/BA005`` is two events. ADM-CID (ANSI/SIA DC-05 Contact ID in DC-09 §5.5.1.8):
``#acct|QEEE GG ZZZ`` — qualifier (1 new / opening, 3 restore / closing, 6 status), event, group (area),
zone (user for 4xx open/close events); classified by ``codes.cid_event``.
"""

import re
from dataclasses import dataclass

from huxiao.alarms.codes import CLOSING, OPENING, cid_event, sia_kind

MODIFIERS = ("da", "ti", "id", "ri", "pi", "ai", "ph", "lv", "va", "pt", "rg", "ss")
PACKET = re.compile(r"""
    (?: (?P<mod>da|ti|id|ri|pi|ai|ph|lv|va|pt|rg|ss) (?P<mval>[0-9.:-]*)
      | (?P<code>[A-Z]{2}) (?: (?P<addr>[0-9A-F:-]*) (?=[/^*]|\Z) | (?P<daddr>[0-9]*) ) )
    (?: \* (?P<units>[0-9.]*[A-Za-z]{0,2}) )?
    (?: \^ (?P<descr>[^^/]*) \^? )?
    /?
""", re.VERBOSE)
CID = re.compile(r"([136])([0-9A-F]{3}) ([0-9A-F]{2}) ([0-9A-F]{3})")
USER_KINDS = (OPENING, CLOSING)


@dataclass(slots=True)
class Event:
    """One event of a message, with what identifies it within its message (``content``)."""

    code: str
    kind: str = "alarm"
    zone: str = ""
    area: str = ""
    user: str = ""
    message: str = ""
    content: str = ""


def _account_block(blocks: list[str], account: str) -> list[str] | None:
    """The blocks after the account block, which must name the frame's account (None otherwise)."""
    if blocks and blocks[0].startswith("#"):
        if blocks[0][1:].upper() != account.upper():
            return None
        return blocks[1:]
    return blocks


def _info(body: str, old: bool) -> list[Event] | None:
    """The events of one N/O information block; None when a packet cannot be read."""
    events, modifiers, pos, end = [], {}, 0, len(body)
    while pos < end:
        m = PACKET.match(body, pos)
        if m is None or m.end() == pos:
            return None
        pos = m.end()
        if m["mod"]:
            modifiers[m["mod"]] = m["mval"] + (f"^{m['descr']}^" if m["descr"] else "")
            continue
        code, addr = m["code"], m["addr"] if m["addr"] is not None else m["daddr"]
        kind = sia_kind(code)
        extra = [f"{k}{v}" for k, v in modifiers.items() if k not in ("ri", "id")]
        if m["units"]:
            extra.append(f"*{m['units']}")
        if m["descr"]:
            extra.append(f"^{m['descr']}^")
        if old:
            extra.insert(0, "O")
        user, zone = modifiers.get("id", ""), addr
        if kind in USER_KINDS:  # the address of an opening/closing is its user number
            user, zone = addr or user, ""
        area = modifiers.get("ri", "").split("^")[0]
        events.append(Event(code, kind, zone, area, user.split("^")[0], " ".join(extra),
                            f"{'O' if old else 'N'}ri{area}/id{user}/{code}{addr}"))
    return events


def sia_dcs(data: str, account: str) -> list[Event] | None:
    """The events of a SIA-DCS data block; None when it reports none or cannot be read."""
    blocks = _account_block(data.split("|"), account)
    if blocks is None:
        return None
    events: list[Event] = []
    for block in blocks:
        if not block:
            continue
        function = block[0]
        if function in "NO":
            found = _info(block[1:], function == "O")
            if found is None:
                return None
            events.extend(found)
        elif events:  # text (A) and other blocks annotate the events before them
            last = events[-1]
            last.message = f"{last.message} {block[1:] if function == 'A' else block}".strip()
        elif function != "A":
            return None
    return events or None


def adm_cid(data: str, account: str) -> list[Event] | None:
    """The event of an ADM-CID data block; None when it cannot be read."""
    blocks = _account_block(data.split("|"), account)
    if blocks is None or len(blocks) != 1:
        return None
    m = CID.fullmatch(blocks[0].upper())
    if m is None:
        return None
    qualifier, event, group, zone = m.groups()
    code, kind = cid_event(qualifier, event)
    user = ""
    if kind in USER_KINDS or event.startswith("4"):
        user, zone = zone, ""
    return [Event(code, kind, zone, group, user, f"CID {qualifier}{event}", f"{qualifier}{event} {group} {m[4]}")]
