from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core import health
from curriculum.views import home

from . import views

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/emails/", include("notifications.account_urls")),
    path("accounts/", include("accounts.urls")),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/outbox/", include("notifications.urls")),
    path("staff/people/", include("accounts.people_urls")),
    path("", include("curriculum.urls")),
    path("", include("admissions.urls")),
    path("", include("theses.urls")),
    path("", include("timetable.urls")),
    path("api/v1/timetable/", include("timetable.api_urls")),
    path("", include("lecturers.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "core.middleware.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
