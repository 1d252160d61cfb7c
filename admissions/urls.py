"""Every admissions URL, in the one `admissions` namespace; mpt/urls.py includes
this module at the site root.

- /apply/…       applicants and referees
- /review/…      reviewers
- /admissions/…  admissions admins
"""

from django.urls import include, path

from .views import admin, applicant, intake, public, referee, reviewer

app_name = "admissions"

applicant_patterns = [
    path("interview/<int:pk>/", applicant.interview_book, name="interview-book"),
    path("", public.apply, name="apply"),
    path("status/", applicant.status, name="status"),
    path("privacy-notice/", public.privacy_notice, name="privacy-notice"),
    path("intake/<slug:slug>/", public.intake_detail, name="intake-detail"),
    path("intake/<slug:slug>/start/", applicant.application_start, name="application-start"),
    path("application/<int:pk>/", applicant.application_overview, name="application-overview"),
    path("application/<int:pk>/check/", applicant.application_check, name="application-check"),
    path("application/<int:pk>/submit/", applicant.application_submit, name="application-submit"),
    path("application/<int:pk>/withdraw/", applicant.application_withdraw, name="application-withdraw"),
    path("application/<int:pk>/documents/upload/", applicant.document_upload, name="document-upload"),
    path("application/<int:pk>/offer/", applicant.offer, name="offer"),
    path(
        "application/<int:pk>/offer/conditions/<int:condition_pk>/evidence/",
        applicant.condition_evidence,
        name="condition-evidence",
    ),
    path("application/<int:pk>/<slug:step>/", applicant.application_step, name="application-step"),
    path("documents/<int:pk>/", applicant.document_download, name="document-download"),
    path("documents/<int:pk>/delete/", applicant.document_delete, name="document-delete"),
    path("reference/<str:token>/", referee.reference_upload, name="reference-upload"),
]

reviewer_patterns = [
    path("", reviewer.review_queue, name="review-queue"),
    path("export.csv", reviewer.review_queue_export, name="review-queue-export"),
    path("conflicts/", reviewer.review_conflicts, name="review-conflicts"),
    path("application/<int:pk>/", reviewer.review_application, name="review-application"),
    path("application/<int:pk>/conflict/", reviewer.review_conflict_declare, name="review-conflict-declare"),
    path("document/<int:pk>/", reviewer.staff_document, name="staff-document"),
]

admin_patterns = [
    path("intakes/", intake.intake_list, name="intake-admin-list"),
    path("intakes/new/", intake.intake_form, name="intake-create"),
    path("intakes/<slug:slug>/edit/", intake.intake_form, name="intake-edit"),
    path("privacy-notices/", intake.privacy_notices, name="privacy-notice-admin"),
    path("", admin.admin_list, name="admin-list"),
    path("export.csv", admin.admin_export, name="admin-export"),
    path("dashboard/", admin.admin_dashboard, name="admin-dashboard"),
    path("decide/", admin.admin_bulk_stage, name="admin-bulk-stage"),
    path("application/<int:pk>/", admin.admin_application, name="admin-application"),
    path("application/<int:pk>/assign/", admin.admin_assign, name="admin-assign"),
    path("application/<int:pk>/decision/", admin.admin_decision, name="admin-decision"),
    path("assignment/<int:pk>/remove/", admin.admin_unassign, name="admin-unassign"),
    path("condition/<int:pk>/", admin.admin_condition, name="admin-condition"),
    path("intake/<slug:slug>/setup/", admin.admin_setup, name="admin-setup"),
    path("intake/<slug:slug>/criteria/add/", admin.admin_criterion_add, name="admin-criterion-add"),
    path("criterion/<int:pk>/", admin.admin_criterion_edit, name="admin-criterion-edit"),
    path("criterion/<int:pk>/delete/", admin.admin_criterion_delete, name="admin-criterion-delete"),
    path("intake/<slug:slug>/assign/", admin.admin_assignment_run, name="admin-assignment-run"),
    path("intake/<slug:slug>/digests/", admin.admin_digests, name="admin-digests"),
    path("intake/<slug:slug>/decisions/", admin.admin_decisions, name="admin-decisions"),
    path("intake/<slug:slug>/decisions/apply/", admin.admin_decisions_apply, name="admin-decisions-apply"),
    path("intake/<slug:slug>/decisions/send/", admin.admin_decisions_send, name="admin-decisions-send"),
    path("intake/<slug:slug>/waitlist/offer/", admin.admin_waitlist_offer, name="admin-waitlist-offer"),
    path("intake/<slug:slug>/interviews/", admin.admin_interviews, name="admin-interviews"),
    path("slot/<int:pk>/delete/", admin.admin_slot_delete, name="admin-slot-delete"),
]

urlpatterns = [
    path("apply/", include(applicant_patterns)),
    path("review/", include(reviewer_patterns)),
    path("admissions/", include(admin_patterns)),
]
