"""The action contract every service follows.

- Every state change names its actor: a signed-in user, or :data:`SYSTEM` when the platform itself acts
  (the escalation ladder, the DC-09 receiver, a scheduled sweep, demo seeding). ``actor=None`` is refused:
  a forgotten actor must never mean "skip the checks".
- :func:`require` is the one permission guard of services: the role must grant ``perm`` and, given a
  record, the record must lie in the actor's jurisdiction for that permission.
- Life cycles are :class:`TransitionTable` s (state × action → next state, permission, what must be given,
  the Chinese refusal), so hazards, alarms and every later app read the same way.
- Transactions. Requests are not atomic (no ``ATOMIC_REQUESTS``): a page or API operation calls one
  service, and the service's own ``transaction.atomic`` is its transaction. Services stay ordinary
  (nestable) atomics, because services call services (an inspection raises hazards, a self-check files
  them), event handlers and imports call them, and tests and the permission matrix run them inside a
  transaction of their own. :func:`entry_point` (``atomic(durable=True)``: never inside another
  transaction, so what it commits is committed when it returns) is kept for the entry points that only
  processes reach and whose caller acts on the commit: the alarm intake batch (the sender is acknowledged
  once it returns), one escalation step of the receiver's loop, and likewise imports and bulk endpoints.
- After the commit, apps react through ``core.events`` (``emit`` → handlers), never inside the
  transaction that made the change.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class SystemActor:
    """The platform acting on its own. Reaches everything, holds every permission, signs the audit log
    as "system" with no user row."""

    pk = None
    id = None
    username = "system"
    full_name = gettext_lazy("系统")
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    is_system = True

    @property
    def display_name(self):
        return str(self.full_name)

    def __str__(self):
        return self.display_name

    def __repr__(self):
        return "SYSTEM"

    def __eq__(self, other):
        return isinstance(other, SystemActor)

    def __hash__(self):
        return hash("huxiao.system")


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def require(actor, perm: str, obj=None, *, message=None):
    """Refuse (PermissionDenied, in Chinese: ``message`` or "无权执行此操作") unless ``actor`` may do
    ``perm`` (on ``obj``)."""
    from huxiao.core.scoping import can

    if actor is None:
        raise PermissionDenied(_("缺少操作人：系统操作须明确以 SYSTEM 执行"))
    if is_system(actor):
        return
    if not can(actor, perm, obj):
        raise PermissionDenied(message or _("无权执行此操作"))


def acting_user(actor):
    """The user row to store in a "done by" column: the actor, or None for SYSTEM (no user row)."""
    return actor if getattr(actor, "pk", None) else None


def entry_point(func=None):
    """``transaction.atomic(durable=True)`` for an entry point that only a process reaches (the alarm
    intake batch, an import, a bulk endpoint). Durable means it can never run inside another transaction,
    so what it commits is committed when it returns (nothing lost by an outer rollback). Services, which
    pages and API operations call and which call each other, use ``transaction.atomic``."""
    if func is None:
        return transaction.atomic(durable=True)
    return transaction.atomic(durable=True)(func)


@dataclass(frozen=True)
class Transition:
    """One row of a life cycle: from ``sources`` by ``action`` to ``target``."""

    sources: frozenset
    target: str
    perm: str
    note_required: bool = False
    evidence_required: bool = False
    fields_required: tuple = ()  # names that must be given (non-empty) with the action
    note_message: str = ""  # the Chinese refusal when the note is missing
    evidence_message: str = ""


@dataclass
class TransitionTable:
    """state × action → next state. ``labels`` maps actions and states to their Chinese names."""

    rows: dict
    action_labels: dict = field(default_factory=dict)
    state_labels: dict = field(default_factory=dict)
    # the refusal in the wrong state, with %(status)s and %(action)s (the labels); the generic one if empty
    refusal_message: str = ""

    def __getitem__(self, action) -> Transition:
        return self.rows[action]

    def __contains__(self, action) -> bool:
        return action in self.rows

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def keys(self):
        return self.rows.keys()

    def items(self):
        return self.rows.items()

    def _label(self, labels, value):
        return str(labels.get(value, value))

    def refusal(self, state, action) -> str | None:
        """Why ``action`` cannot be applied in ``state`` (None when it can)."""
        if action not in self.rows:
            return _("未知操作：%(a)s") % {"a": action}
        if state not in self.rows[action].sources:
            return str(self.refusal_message or _("当前状态为“%(status)s”，不能执行“%(action)s”")) % {
                "status": self._label(self.state_labels, state), "action": self._label(self.action_labels, action)}
        return None

    def available(self, obj, user, state_attr="status") -> list:
        """The actions ``user`` may apply to ``obj`` now."""
        from huxiao.core.scoping import can

        state = getattr(obj, state_attr)
        return [a for a, row in self.rows.items() if state in row.sources and can(user, row.perm, obj)]

    def check(self, obj, action, *, actor, note="", evidence=(), given=None, state_attr="status") -> Transition:
        """Everything a transition demands, in order: the permission on the record (PermissionDenied),
        the present state, the note, the evidence and the required fields (one ValidationError naming
        the field). Returns the row."""
        row = self.rows.get(action)
        if row is None:
            raise ValidationError({"action": _("未知操作：%(a)s") % {"a": action}})
        require(actor, row.perm, obj)
        error = self.refusal(getattr(obj, state_attr), action)
        if error:
            raise ValidationError({state_attr: error})
        if row.note_required and not (note or "").strip():
            raise ValidationError({"note": row.note_message or _("请填写说明")})
        if row.evidence_required and not evidence:
            raise ValidationError({"evidence": row.evidence_message or _("请上传佐证材料")})
        missing = [f for f in row.fields_required if (given or {}).get(f) in (None, "", [], ())]
        if missing:
            raise ValidationError({f: _("此项必填") for f in missing})
        return row
