from django.urls import path

from .views import api, public, staff

app_name = "curriculum"

urlpatterns = [
    path("programmes/", public.programme_list, name="programme-list"),
    path("programmes/<slug:slug>/", public.programme_detail, name="programme-detail"),
    path("modules/", public.module_list, name="module-list"),
    path("modules/<slug:slug>/", public.module_detail, name="module-detail"),
    path("staff/modules/", staff.module_list, name="staff-module-list"),
    path("staff/modules/new/", staff.module_create, name="staff-module-create"),
    path("staff/modules/<int:pk>/", staff.module_detail, name="staff-module-detail"),
    path("staff/modules/<int:pk>/edit/", staff.module_edit, name="staff-module-edit"),
    path("staff/modules/<int:pk>/preview/", staff.module_preview, name="staff-module-preview"),
    path("staff/modules/<int:pk>/publish/", staff.module_publish, name="staff-module-publish"),
    path("staff/modules/<int:pk>/unpublish/", staff.module_unpublish, name="staff-module-unpublish"),
    path("staff/modules/<int:pk>/discard/", staff.module_discard, name="staff-module-discard"),
    path("staff/modules/<int:pk>/history/", staff.module_history, name="staff-module-history"),
    path("staff/modules/<int:pk>/history/<int:number>/restore/", staff.module_restore,
         name="staff-module-restore"),
    path("staff/offerings/roll-forward/", staff.offering_roll_forward, name="staff-offering-roll-forward"),
    path("staff/programmes/", staff.programme_list, name="staff-programme-list"),
    path("staff/programmes/<int:pk>/status/", staff.programme_status, name="staff-programme-status"),
    path("staff/search-synonyms/", staff.synonym_list, name="staff-synonym-list"),
    path("staff/search-synonyms/new/", staff.synonym_create, name="staff-synonym-create"),
    path("staff/search-synonyms/<int:pk>/edit/", staff.synonym_edit, name="staff-synonym-edit"),
    path("staff/search-synonyms/<int:pk>/delete/", staff.synonym_delete, name="staff-synonym-delete"),
    path("api/v1/programmes/", api.programme_list, name="api-programme-list"),
    path("api/v1/modules/", api.module_list, name="api-module-list"),
]
