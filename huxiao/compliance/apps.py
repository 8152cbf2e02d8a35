from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "huxiao.compliance"
    label = "compliance"

    def ready(self):
        from django.db.models.signals import post_save, pre_delete

        # devices and 三防 records are followed through core.events (compliance/handlers.py), after the
        # commit; the school itself, a core record, through Django's signals in its transaction
        post_save.connect(_school_saved, sender="core.School", dispatch_uid="compliance-school")
        pre_delete.connect(_school_deleted, sender="core.School", dispatch_uid="compliance-school-delete")


def _school_saved(sender, instance, raw=False, **kwargs):
    """A new school, or one whose type, size or setting changed, is evaluated at once."""
    if raw or not instance.region_code:
        return
    from huxiao.compliance.services import refresh_school

    refresh_school(instance)


def _school_deleted(sender, instance, **kwargs):
    from huxiao.compliance.services import forget_school

    forget_school(instance)
