from django.urls import path

from huxiao.defense import importing, views

urlpatterns = [
    path("", views.my_school, name="defense-home"),
    path("guards/", views.guard_list, name="defense-guard-list"),
    path("facilities/", views.facility_list, name="defense-facility-list"),
    path("equipment/", views.equipment_list, name="defense-equipment-list"),
    path("import/<str:kind>/", importing.import_records, name="defense-import"),
    path("schools/<int:pk>/", views.school_records, name="defense-school"),
    path("schools/<int:pk>/guards/new/", views.guard_add, name="defense-guard-add"),
    path("schools/<int:pk>/facility/", views.facility_edit, name="defense-facility"),
    path("schools/<int:pk>/equipment/", views.equipment_set, name="defense-equipment"),
    path("guards/<int:pk>/", views.guard_detail, name="defense-guard"),
    path("guards/<int:pk>/release/", views.guard_release, name="defense-guard-release"),
    path("guards/<int:pk>/trainings/", views.guard_training, name="defense-guard-training"),
]
