"""A person's own mail, mounted at /accounts/emails/ by mpt/urls.py (accounts knows nothing of it)."""

from django.urls import path

from . import views

app_name = "my_emails"

urlpatterns = [
    path("", views.my_email_list, name="email-list"),
    path("<int:pk>/", views.my_email_detail, name="email-detail"),
]
