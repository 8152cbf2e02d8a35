from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "huxiao.compliance"
    label = "compliance"

    def ready(self):
        from huxiao.devices.signals import network_state_changed, registry_changed

        network_state_changed.connect(_devices_changed, dispatch_uid="compliance-network")
        registry_changed.connect(_devices_changed, dispatch_uid="compliance-registry")


def _devices_changed(sender, school_ids, **kwargs):
    from huxiao.compliance.services import refresh_school_ids

    refresh_school_ids(school_ids)
