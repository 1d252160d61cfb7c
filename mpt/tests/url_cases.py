from mpt.tests.url_permissions import PUBLIC, UrlCase, only

CASES = [
    UrlCase("home", PUBLIC),
    UrlCase("healthz", PUBLIC),
    UrlCase("accessibility", PUBLIC),
    UrlCase("privacy", PUBLIC),
    UrlCase("admin:index", only(anonymous=302, denied=302), note="superusers only"),
]
