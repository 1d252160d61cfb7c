"""The page a referee reaches through their signed link, without an account."""


from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import forms, services
from ._access import with_upload_limit


@never_cache
@with_upload_limit
@require_http_methods(["GET", "POST"])
def reference_upload(request, token):
    try:
        referee = services.referee_from_token(token)
    except services.ReferenceLinkInvalid as error:
        return render(request, "admissions/reference_invalid.html", {"reason": error.reason}, status=400)
    form = forms.ReferenceForm(request.POST or None, request.FILES or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.reference_submit(
                token=token, text=form.cleaned_data["reference_text"], file=form.cleaned_data.get("file")
            )
        except services.ReferenceLinkInvalid as error:
            return render(request, "admissions/reference_invalid.html", {"reason": error.reason}, status=400)
        return render(request, "admissions/reference_thanks.html", {"referee": referee})
    application = referee.application
    return render(
        request,
        "admissions/reference_upload.html",
        {"referee": referee, "applicant_name": application.display_name, "intake": application.intake, "form": form},
    )
