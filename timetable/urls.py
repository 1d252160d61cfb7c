"""Public timetable under /timetable/, staff screens under /staff/timetable/ (one namespace)."""

from django.urls import path

from . import views

app_name = "timetable"

urlpatterns = [
    path("timetable/", views.week, name="week"),
    path("timetable/sessions/<uuid:uid>/", views.session_detail, name="session-detail"),
    path("timetable/my-calendar/", views.my_feed, name="my-feed"),
    path("timetable/feeds/module/<int:pk>.ics", views.feed_offering, name="feed-offering"),
    path("timetable/feeds/cohort/<slug:slug>.ics", views.feed_cohort, name="feed-cohort"),
    path("timetable/feeds/room/<slug:slug>.ics", views.feed_room, name="feed-room"),
    path("timetable/feeds/staff/<int:pk>.ics", views.feed_staff, name="feed-staff"),
    path("timetable/feeds/personal/<str:token>.ics", views.feed_personal, name="feed-personal"),
    path("staff/timetable/", views.staff_week, name="staff-week"),
    path("staff/timetable/term/", views.staff_term, name="staff-term"),
    path("staff/timetable/sessions/new/", views.session_form, name="session-create"),
    path("staff/timetable/sessions/<int:pk>/edit/", views.session_form, name="session-edit"),
    path("staff/timetable/sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("staff/timetable/series/new/", views.series_create, name="series-create"),
    path("staff/timetable/series/<int:pk>/", views.series_detail, name="series-detail"),
    path("staff/timetable/series/<int:pk>/edit/", views.series_edit, name="series-edit"),
    path("staff/timetable/series/<int:pk>/move/", views.series_move, name="series-move"),
    path("staff/timetable/rooms/", views.room_list, name="staff-room-list"),
    path("staff/timetable/rooms/new/", views.room_form, name="staff-room-create"),
    path("staff/timetable/rooms/<slug:slug>/", views.room_detail, name="staff-room-detail"),
    path("staff/timetable/rooms/<slug:slug>/edit/", views.room_form, name="staff-room-edit"),
    path("staff/timetable/rooms/<slug:slug>/deactivate/", views.room_deactivate, name="staff-room-deactivate"),
    path("staff/timetable/rooms/<slug:slug>/reactivate/", views.room_reactivate, name="staff-room-reactivate"),
    path("staff/timetable/import/", views.csv_import, name="import"),
    path("staff/timetable/export.csv", views.csv_export, name="export"),
]
