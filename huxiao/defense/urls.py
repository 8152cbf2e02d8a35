from django.urls import path

from huxiao.defense import importing, views

urlpatterns = [
    path("", views.my_school, name="defense-home"),
    path("guards/", views.GuardListView.as_view(), name="defense-guard-list"),
    path("facilities/", views.FacilityListView.as_view(), name="defense-facility-list"),
    path("equipment/", views.EquipmentListView.as_view(), name="defense-equipment-list"),
    path("import/<str:kind>/", importing.import_records, name="defense-import"),
    path("schools/<int:pk>/", views.SchoolRecordsView.as_view(), name="defense-school"),
    path("schools/<int:pk>/guards/new/", views.GuardAddView.as_view(), name="defense-guard-add"),
    path("schools/<int:pk>/facility/", views.FacilityEditView.as_view(), name="defense-facility"),
    path("schools/<int:pk>/equipment/", views.EquipmentSetView.as_view(), name="defense-equipment"),
    path("guards/<int:pk>/", views.GuardDetailView.as_view(), name="defense-guard"),
    path("guards/<int:pk>/release/", views.GuardReleaseView.as_view(), name="defense-guard-release"),
    path("guards/<int:pk>/trainings/", views.GuardTrainingView.as_view(), name="defense-guard-training"),
]
