from huxiao.core.models.base import SchoolRecord, VoidableQuerySet, VoidableRecord
from huxiao.core.models.imports import ImportJob, ImportStatus
from huxiao.core.models.records import Attachment, AuditLog, Notification
from huxiao.core.models.regions import Region, Unit
from huxiao.core.models.schools import School, SchoolRegionPeriod
from huxiao.core.models.users import ApiToken, RoleAssignment, User

__all__ = ["ApiToken", "Attachment", "AuditLog", "ImportJob", "ImportStatus", "Notification", "Region", "RoleAssignment", "School", "SchoolRecord",
           "SchoolRegionPeriod", "Unit", "User", "VoidableQuerySet", "VoidableRecord"]
from huxiao.core.models.calendar import CalendarDay, Term  # noqa: E402
from huxiao.core.models.ladder import LadderStep  # noqa: E402
from huxiao.core.models.links import ReachLink  # noqa: E402
from huxiao.core.models.notify import Delivery, NotificationPreference  # noqa: E402

__all__ += ["CalendarDay", "Delivery", "LadderStep", "NotificationPreference", "ReachLink", "Term"]
