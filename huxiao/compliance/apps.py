from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "huxiao.compliance"
    label = "compliance"

    def ready(self):
        from django.db.models.signals import post_save

        from huxiao.devices.signals import network_state_changed, registry_changed

        network_state_changed.connect(_devices_changed, dispatch_uid="compliance-network")
        registry_changed.connect(_devices_changed, dispatch_uid="compliance-registry")
        post_save.connect(_school_saved, sender="core.School", dispatch_uid="compliance-school")


def _devices_changed(sender, school_ids, **kwargs):
    from huxiao.compliance.services import refresh_school_ids

    refresh_school_ids(school_ids)


def _school_saved(sender, instance, raw=False, **kwargs):
    """A new school, or one whose type, size or setting changed, is evaluated at once."""
    if raw or not instance.region_code:
        return
    from huxiao.compliance.services import refresh_school

    refresh_school(instance)
