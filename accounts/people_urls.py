"""The staff area's people pages, mounted at /staff/people/ by mpt/urls.py."""

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("invite/", views.person_invite, name="person-invite"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("<int:pk>/reactivate/", views.person_reactivate, name="person-reactivate"),
]
