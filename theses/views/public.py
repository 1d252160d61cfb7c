"""Public pages: /theses/, a proposal, the partner proposal form."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import ratelimits

from .. import selectors, services
from ..forms import (
    PartnerProposalForm,
)
from ..models import ShowcaseEntry

User = get_user_model()


User = get_user_model()


# --- Public --------------------------------------------------------------------------


@require_safe
def index(request):
    page = Paginator(selectors.open_proposals(), 20).get_page(request.GET.get("page"))
    return render(request, "theses/index.html", {
        "page": page, "proposals": page.object_list, "showcase": list(selectors.showcase_entries()[:12]),
        "under_way": list(selectors.projects_under_way()[:12]),
    })


@require_safe
def proposal_detail(request, slug):
    proposal = selectors.public_proposal(slug)
    if proposal is None or (proposal.partner_id and not proposal.partner.approved):
        raise Http404
    showcase = (ShowcaseEntry.objects.filter(proposal=proposal, published=True)
                .prefetch_related("consenting_members").first())
    return render(request, "theses/proposal_detail.html", {"proposal": proposal, "showcase": showcase})


HONEYPOT = "fax_number"


@require_http_methods(["GET", "POST"])
def partner_propose(request):
    form = PartnerProposalForm(request.POST or None)
    if request.method == "POST":
        refusal = ratelimits.check(request, "partner_proposal", account=request.POST.get("contact_email", ""))
        if refusal:
            return ratelimits.refused_response(request, refusal)
        if request.POST.get(HONEYPOT):
            # A bot filled the field people never see: answer as if it worked, keep nothing.
            request.session["theses_proposed_email"] = request.POST.get("contact_email", "")
            return redirect("theses:partner-propose-done")
        if form.is_valid():
            data = form.cleaned_data
            services.partner_proposal_submit(
                partner={k: data[k] for k in PartnerProposalForm.PARTNER_FIELDS},
                proposal={k: v for k, v in data.items() if k not in PartnerProposalForm.PARTNER_FIELDS},
            )
            request.session["theses_proposed_email"] = data["contact_email"]
            return redirect("theses:partner-propose-done")
    return render(request, "theses/partner_propose.html", {"form": form, "honeypot": HONEYPOT})


@require_safe
def partner_propose_done(request):
    return render(request, "theses/partner_propose_done.html",
                  {"email": request.session.get("theses_proposed_email")})
