"""Admissions admins' set-up pages (intakes, privacy notices), in the `admissions`
namespace under /admissions/ (see root_urls)."""

from django.urls import path

from . import intake_views as views

urlpatterns = [
    path("intakes/", views.intake_list, name="intake-admin-list"),
    path("intakes/new/", views.intake_form, name="intake-create"),
    path("intakes/<slug:slug>/edit/", views.intake_form, name="intake-edit"),
    path("privacy-notices/", views.privacy_notices, name="privacy-notice-admin"),
]
