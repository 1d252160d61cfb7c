from django.urls import path

from . import views

app_name = "lecturers"

urlpatterns = [
    # Public: consented profiles only.
    path("lecturers/", views.lecturer_list, name="lecturer-list"),
    # The lecturer's signed link (no account). Before <slug>/ so "invitation" is never read as a slug.
    path("lecturers/invitation/<str:token>/", views.respond, name="respond"),
    path("lecturers/invitation/<str:token>/details/", views.respond_details, name="respond-details"),
    path("lecturers/invitation/<str:token>/guest-lecture.ics", views.respond_calendar, name="respond-calendar"),
    path("lecturers/invitation/<str:token>/photo/", views.respond_photo, name="respond-photo"),
    path("lecturers/<slug:slug>/", views.lecturer_detail, name="lecturer-detail"),
    path("lecturers/<slug:slug>/photo/", views.lecturer_photo, name="lecturer-photo"),
    # Staff.
    path("staff/lecturers/", views.staff_index, name="staff-index"),
    path("staff/lecturers/people/", views.person_list, name="person-list"),
    path("staff/lecturers/people/new/", views.person_create, name="person-create"),
    path("staff/lecturers/people/<int:pk>/", views.person_detail, name="person-detail"),
    path("staff/lecturers/people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("staff/lecturers/people/<int:pk>/photo/", views.person_photo, name="person-photo"),
    path("staff/lecturers/invitations/new/", views.invitation_create, name="invitation-create"),
    path("staff/lecturers/invitations/<int:pk>/", views.invitation_detail, name="invitation-detail"),
    path("staff/lecturers/invitations/<int:pk>/send/", views.invitation_send, name="invitation-send"),
    path("staff/lecturers/invitations/<int:pk>/new-times/", views.invitation_new_times, name="invitation-new-times"),
    path("staff/lecturers/invitations/<int:pk>/cancel/", views.invitation_cancel, name="invitation-cancel"),
    path("staff/lecturers/invitations/<int:pk>/delivered/", views.invitation_delivered, name="invitation-delivered"),
    path("staff/lecturers/invitations/<int:pk>/thank/", views.invitation_thank, name="invitation-thank"),
    path("staff/lecturers/invitations/<int:pk>/new-link/", views.invitation_new_link, name="invitation-new-link"),
]
