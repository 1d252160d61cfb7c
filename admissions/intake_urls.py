"""Admissions admins' intake pages, in the `admissions` namespace (see root_urls)."""

from django.urls import path

from . import intake_views as views

urlpatterns = [
    path("", views.intake_list, name="intake-admin-list"),
    path("new/", views.intake_form, name="intake-create"),
    path("<slug:slug>/edit/", views.intake_form, name="intake-edit"),
]
