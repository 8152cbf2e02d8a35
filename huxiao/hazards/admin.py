"""System administrators see the escalation policies in the Django admin (officials use /hazards/policies/)."""

from django.contrib import admin

from huxiao.hazards.models import EscalationPolicy


@admin.register(EscalationPolicy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "region_code", "is_default", "remind_days_before", "notice_after_days",
                    "interview_after_days", "listing_after_days", "self_check_due_day"]
