from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("release/", views.outbox_bulk_release, name="outbox-bulk-release"),
    path("<int:pk>/", views.outbox_detail, name="outbox-detail"),
    path("<int:pk>/html/", views.outbox_html, name="outbox-html"),
    path("<int:pk>/message.eml", views.outbox_raw, name="outbox-raw"),
    path("<int:pk>/attachments/<int:index>/", views.outbox_attachment, name="outbox-attachment"),
    path("<int:pk>/edit/", views.outbox_edit, name="outbox-edit"),
    path("<int:pk>/release/", views.outbox_release, name="outbox-release"),
    path("<int:pk>/discard/", views.outbox_discard, name="outbox-discard"),
    path("<int:pk>/retry/", views.outbox_retry, name="outbox-retry"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/<str:purpose>/", views.template_edit, name="template-edit"),
]
