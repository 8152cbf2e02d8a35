"""What the audit log records of the core domain (typed events, core.audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.audit import audit_events


@audit_events
class CoreAudit(models.TextChoices):
    """The typed audit events of the core domain."""

    CREATE_SCHOOL = "core.create_school", _("新增学校")
    UPDATE_SCHOOL = "core.update_school", _("修改学校")
    MOVE_SCHOOL = "core.move_school", _("迁移学校（变更所在区划）")
    DELETE_SCHOOL = "core.delete_school", _("删除学校")
    CREATE_USER = "core.create_user", _("新增用户")
    ASSIGN_ROLE = "core.assign_role", _("授予角色")
    REVOKE_ROLE = "core.revoke_role", _("撤销角色")
    SET_USER_ACTIVE = "core.set_user_active", _("启用/停用用户")
    ISSUE_TOKEN = "core.issue_token", _("生成 API 令牌")
    REVOKE_TOKEN = "core.revoke_token", _("吊销 API 令牌")
    SIGN_OUT_EVERYWHERE = "core.sign_out_everywhere", _("退出全部登录")
    VOID = "core.void", _("作废")
    UPLOAD_ATTACHMENT = "core.upload_attachment", _("上传附件")
    IMPORT_SCHOOLS = "core.import_schools", _("导入学校")
    CHANGE_PASSWORD = "core.change_password", _("修改密码")
    RESET_PASSWORD = "core.reset_password", _("重置密码")
    UNLOCK_SIGNIN = "core.unlock_signin", _("解除登录限制")
    ENROL_SECOND_FACTOR = "core.enrol_second_factor", _("启用双因素认证")
    RENEW_RECOVERY_CODES = "core.renew_recovery_codes", _("重新生成恢复码")
    RESET_SECOND_FACTOR = "core.reset_second_factor", _("重置双因素认证")
