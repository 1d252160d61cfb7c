from django.urls import path

from . import views

app_name = "admissions"

urlpatterns = [
    path("", views.apply, name="apply"),
    path("status/", views.status, name="status"),
    path("privacy-notice/", views.privacy_notice, name="privacy-notice"),
    path("intake/<slug:slug>/", views.intake_detail, name="intake-detail"),
    path("intake/<slug:slug>/start/", views.application_start, name="application-start"),
    path("application/<int:pk>/", views.application_overview, name="application-overview"),
    path("application/<int:pk>/check/", views.application_check, name="application-check"),
    path("application/<int:pk>/submit/", views.application_submit, name="application-submit"),
    path("application/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("application/<int:pk>/documents/upload/", views.document_upload, name="document-upload"),
    path("application/<int:pk>/offer/", views.offer, name="offer"),
    path(
        "application/<int:pk>/offer/conditions/<int:condition_pk>/evidence/",
        views.condition_evidence,
        name="condition-evidence",
    ),
    path("application/<int:pk>/<slug:step>/", views.application_step, name="application-step"),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
    path("reference/<str:token>/", views.reference_upload, name="reference-upload"),
]
