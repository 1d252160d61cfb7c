"""/api/v1/timetable/: read-only JSON of published sessions."""

from django.urls import path

from . import views

app_name = "timetable-api"

urlpatterns = [
    path("", views.api_sessions, name="session-list"),
]
