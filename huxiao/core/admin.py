from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from huxiao.core.forms import RegionAdminForm
from huxiao.core.models import AuditLog, Region, RoleAssignment, School, Unit, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("护校安园", {"fields": ("full_name", "phone")}))


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionAdminForm
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "region"]
    search_fields = ["name"]
    list_filter = ["kind", "level"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "school_type", "region"]
    search_fields = ["name", "code"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: audit entries cannot be edited or deleted through the product."""

    list_display = ["at", "username", "ip", "action", "model", "object_repr"]
    list_filter = ["action", "model"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
