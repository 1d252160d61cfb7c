from django.urls import path

from . import views

app_name = "theses"

urlpatterns = [
    path("theses/", views.index, name="index"),
    path("theses/projects/<slug:slug>/", views.proposal_detail, name="proposal-detail"),
    path("theses/propose/", views.partner_propose, name="partner-propose"),
    path("theses/propose/thanks/", views.partner_propose_done, name="partner-propose-done"),
    path("theses/my/", views.student_home, name="student-home"),
    path("theses/my/preferences/", views.preferences, name="preferences"),
    path("theses/my/propose/", views.student_propose, name="student-propose"),
    path("theses/my/milestones/<int:pk>/submit/", views.submission_create, name="submission-create"),
    path("theses/my/showcase-consent/", views.showcase_consent, name="showcase-consent"),
    path("theses/submissions/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("theses/submissions/<int:pk>/report/", views.submission_report, name="submission-report"),
    path("staff/theses/", views.staff_index, name="staff-index"),
    path("staff/theses/proposals/new/", views.staff_proposal_create, name="staff-proposal-create"),
    path("staff/theses/proposals/<int:pk>/", views.staff_proposal, name="staff-proposal"),
    path("staff/theses/proposals/<int:pk>/edit/", views.staff_proposal_edit, name="staff-proposal-edit"),
    path("staff/theses/proposals/<int:pk>/action/", views.staff_proposal_action, name="staff-proposal-action"),
    path("staff/theses/proposals/<int:pk>/showcase/", views.staff_showcase, name="staff-showcase"),
    path("staff/theses/rounds/new/", views.staff_round_create, name="staff-round-create"),
    path("staff/theses/rounds/<int:pk>/", views.staff_round, name="staff-round"),
    path("staff/theses/rounds/<int:pk>/milestones/", views.staff_milestones, name="staff-milestones"),
    path("staff/theses/rounds/<int:pk>/ranking/", views.staff_ranking, name="staff-ranking"),
    path("staff/theses/rounds/<int:pk>/supervisors/", views.staff_supervisors, name="staff-supervisors"),
    path("staff/theses/rounds/<int:pk>/submissions/", views.staff_submissions, name="staff-submissions"),
    path("staff/theses/rounds/<int:pk>/runs/", views.run_create, name="run-create"),
    path("staff/theses/runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("staff/theses/runs/<int:pk>/status/", views.run_status, name="run-status"),
    path("staff/theses/runs/<int:pk>/assign/", views.run_assign, name="run-assign"),
    path("staff/theses/runs/<int:pk>/publish/", views.run_publish, name="run-publish"),
    path("staff/theses/runs/<int:pk>/compare/", views.run_compare, name="run-compare"),
]
