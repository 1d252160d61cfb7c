"""Admissions pages by audience: `public`, `applicant`, `referee`, `reviewer`,
`admin` (admissions admins) and `intake` (their intake set-up). `admissions.urls`
routes to them."""
