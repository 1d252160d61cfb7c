"""URLs of the review phase, in the `admissions` namespace (see root_urls)."""

from django.urls import path

from . import review_views as views

review_patterns = [
    path("", views.review_queue, name="review-queue"),
    path("export.csv", views.review_queue_export, name="review-queue-export"),
    path("conflicts/", views.review_conflicts, name="review-conflicts"),
    path("application/<int:pk>/", views.review_application, name="review-application"),
    path("application/<int:pk>/conflict/", views.review_conflict_declare, name="review-conflict-declare"),
    path("document/<int:pk>/", views.staff_document, name="staff-document"),
]

admin_patterns = [
    path("", views.admin_list, name="admin-list"),
    path("export.csv", views.admin_export, name="admin-export"),
    path("dashboard/", views.admin_dashboard, name="admin-dashboard"),
    path("decide/", views.admin_bulk_stage, name="admin-bulk-stage"),
    path("application/<int:pk>/", views.admin_application, name="admin-application"),
    path("application/<int:pk>/assign/", views.admin_assign, name="admin-assign"),
    path("application/<int:pk>/decision/", views.admin_decision, name="admin-decision"),
    path("assignment/<int:pk>/remove/", views.admin_unassign, name="admin-unassign"),
    path("condition/<int:pk>/", views.admin_condition, name="admin-condition"),
    path("intake/<slug:slug>/setup/", views.admin_setup, name="admin-setup"),
    path("intake/<slug:slug>/criteria/add/", views.admin_criterion_add, name="admin-criterion-add"),
    path("criterion/<int:pk>/", views.admin_criterion_edit, name="admin-criterion-edit"),
    path("criterion/<int:pk>/delete/", views.admin_criterion_delete, name="admin-criterion-delete"),
    path("intake/<slug:slug>/assign/", views.admin_assignment_run, name="admin-assignment-run"),
    path("intake/<slug:slug>/digests/", views.admin_digests, name="admin-digests"),
    path("intake/<slug:slug>/decisions/", views.admin_decisions, name="admin-decisions"),
    path("intake/<slug:slug>/decisions/apply/", views.admin_decisions_apply, name="admin-decisions-apply"),
    path("intake/<slug:slug>/decisions/send/", views.admin_decisions_send, name="admin-decisions-send"),
    path("intake/<slug:slug>/waitlist/offer/", views.admin_waitlist_offer, name="admin-waitlist-offer"),
    path("intake/<slug:slug>/interviews/", views.admin_interviews, name="admin-interviews"),
    path("slot/<int:pk>/delete/", views.admin_slot_delete, name="admin-slot-delete"),
]

applicant_patterns = [
    path("interview/<int:pk>/", views.interview_book, name="interview-book"),
]
