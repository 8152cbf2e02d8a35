from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "huxiao.compliance"
    label = "compliance"

    def ready(self):
        from django.db.models.signals import post_save, pre_delete

        from huxiao.devices.signals import network_state_changed, registry_changed

        network_state_changed.connect(_devices_changed, dispatch_uid="compliance-network")
        registry_changed.connect(_devices_changed, dispatch_uid="compliance-registry")
        post_save.connect(_school_saved, sender="core.School", dispatch_uid="compliance-school")
        pre_delete.connect(_school_deleted, sender="core.School", dispatch_uid="compliance-school-delete")


def _devices_changed(sender, school_ids, **kwargs):
    from huxiao.compliance.services import refresh_school_ids

    refresh_school_ids(school_ids)


def _school_saved(sender, instance, raw=False, **kwargs):
    """A new school, or one whose type, size or setting changed, is evaluated at once."""
    if raw or not instance.region_code:
        return
    from huxiao.compliance.services import refresh_school

    refresh_school(instance)


def _school_deleted(sender, instance, **kwargs):
    from huxiao.compliance.services import forget_school

    forget_school(instance)
