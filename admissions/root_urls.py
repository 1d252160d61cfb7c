"""Every admissions URL, in one `admissions` namespace:

- /apply/…       applicants and referees (admissions/urls.py), and interview booking
- /review/…      reviewers (review_urls.review_patterns)
- /admissions/…  admissions admins (review_urls.admin_patterns, intake_urls)

mpt/urls.py includes this module at the site root.
"""

from django.urls import include, path

from . import intake_urls, review_urls, urls

app_name = "admissions"

urlpatterns = [
    path("apply/", include(review_urls.applicant_patterns)),
    path("apply/", include(urls.urlpatterns)),
    path("review/", include(review_urls.review_patterns)),
    path("admissions/", include(intake_urls.urlpatterns)),
    path("admissions/", include(review_urls.admin_patterns)),
]
