from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "huxiao.compliance"
    label = "compliance"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_delete

        # schools, devices and 三防 records are followed through core.events (compliance/handlers.py), after
        # the commit; a school being deleted leaves the counters through Django's signal, in its transaction
        pre_delete.connect(_school_deleted, sender="core.School", dispatch_uid="compliance-school-delete")
        # the campaigns of the shipped rule sets exist as soon as the product is installed (and follow an
        # upgrade that ships new or changed rule sets)
        post_migrate.connect(_sync_campaigns, sender=self, dispatch_uid="compliance-sync-campaigns")


def _school_deleted(sender, instance, **kwargs):
    from huxiao.compliance.services import forget_school

    forget_school(instance)


def _sync_campaigns(sender, using="default", plan=None, **kwargs):
    from huxiao.compliance.services import sync_campaigns

    sync_campaigns(using=using)
