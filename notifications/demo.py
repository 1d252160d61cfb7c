"""Demo outbox content: sent and failed mail. Only `manage.py seed_demo` calls this.

Staged decision mails come from the admissions demo, through the real decisions."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.links import absolute

from .models import OutboundEmail
from .registry import get_purpose
from .rendering import Rendered, render
from .services import global_context, store_email

State = OutboundEmail.State

# The demo logins accounts seeds (notifications imports no other app, so named here).
DEMO_ADDRESSES = ["staff@example.org", "admissions@example.org", "reviewer@example.org", "applicant@example.org"]

def _store(key, *, purpose, rendered, to, state, minutes_ago, error=""):
    if OutboundEmail.objects.filter(idempotency_key=key).exists():
        return False
    email = store_email(purpose=purpose, rendered=rendered, to=[to], idempotency_key=key, staged=True)
    when = timezone.now() - timedelta(minutes=minutes_ago)
    fields = {"created_at": when, "queued_at": when}
    if state == State.SENT:
        fields.update(state=state, sent_at=when + timedelta(seconds=2), attempts=1)
    elif state == State.FAILED:
        fields.update(state=state, failed_at=when + timedelta(seconds=2), attempts=1, last_error=error)
    else:
        fields.update(queued_at=None)
    OutboundEmail.objects.filter(pk=email.pk).update(**fields)
    return True


def seed_demo_outbox(*, stdout):
    verification = get_purpose("account_verification")
    created = 0
    users = get_user_model()._default_manager.filter(email__in=DEMO_ADDRESSES).order_by("email")
    for minutes, user in enumerate(users, start=1):
        rendered = render(
            subject=verification.subject,
            body=verification.body,
            context={
                **global_context(),
                "name": user.get_short_name(),
                "verify_url": absolute(f"/accounts/verify/demo-{user.pk}/"),
                "valid_hours": settings.ACCOUNT_VERIFICATION_MAX_AGE // 3600,
            },
            purpose=verification,
        )
        created += _store(
            f"demo:verify:{user.email}",
            purpose="account_verification",
            rendered=rendered,
            to=user.email,
            state=State.SENT,
            minutes_ago=60 * 24 + minutes * 7,
        )
    bounce = Rendered(
        subject="Reference request for Sam Lee",
        body_text="Dear Dr Moreau,\n\nSam Lee has named you as a referee. Please write your reference here:\n\n"
        f"{settings.SITE_URL}/references/demo/\n",
        body_html="",
    )
    created += _store(
        "demo:reference-bounce",
        purpose="system",
        rendered=bounce,
        to="j.moreau@univ-example.fr",
        state=State.FAILED,
        minutes_ago=95,
        error="j.moreau@univ-example.fr: 550 5.1.1 <j.moreau@univ-example.fr>: Recipient address rejected",
    )
    stdout.write(f"  {created} demo emails in the outbox" if created else "  demo emails already there")
