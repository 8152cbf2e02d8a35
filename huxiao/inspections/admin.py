"""System administrators configure semesters (学期) and built-in checklists in the Django admin."""

from django.contrib import admin

from huxiao.inspections.models import ChecklistItem, ChecklistTemplate, Semester


@admin.register(Semester)
class SemesterAdmin(admin.ModelAdmin):
    list_display = ["name", "start", "end"]


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "builtin", "region_code"]
    inlines = [ItemInline]
