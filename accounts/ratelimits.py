"""Rate limits on the forms anyone can post: per client address and per account.

The counting is django-ratelimit's (fixed windows in the cache, so every web
process shares them when the cache is Redis). This module adds what the site
needs around it: the client's address as django-axes sees it, the limits from
settings, an answer of when to try again, and failing open when the cache is
unreachable, so an outage of Redis never locks everyone out.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import formats, timezone
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

from .managers import normalise_email

log = logging.getLogger(__name__)

# What each refused page says, after "You have ".
ACTIONS = {
    "login": "tried to log in too many times",
    "signup": "tried to create an account too many times",
    "password_reset": "asked for a password reset link too many times",
    "partner_proposal": "sent this form too many times",
}


def client_ip(request):
    """The caller's address: behind MPT_PROXY_COUNT trusted proxies, the one the
    nearest proxy saw (that many entries from the right of X-Forwarded-For).

    django-axes uses this too (AXES_CLIENT_IP_CALLABLE), so a lockout and a rate
    limit always count the same address. Entries further left are whatever the
    client wrote, so they are never trusted.
    """
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [part for part in chain if part]
        if len(chain) >= proxies:
            return chain[-proxies]
    # None without one (a request built in code, as force_login does), as axes expects.
    return request.META.get("REMOTE_ADDR") or None


@dataclass(frozen=True)
class Refusal:
    action: str
    retry_at: datetime

    @property
    def retry_after_seconds(self):
        return max(1, int((self.retry_at - timezone.now()).total_seconds() + 0.999))

    def when(self):
        """"14:35", or "00:05 on Saturday 5 December 2026" when it is not today, in the site's time."""
        # Rounded up to the minute, so "after 14:35" is never a minute early.
        local = timezone.localtime(self.retry_at)
        if local.second or local.microsecond:
            local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
        time = formats.date_format(local, "H:i")
        if local.date() != timezone.localdate():
            return f"{time} on {formats.date_format(local, 'l j F Y')}"
        return time


def _count(request, *, action, scope, value, rate):
    """Count one attempt; the seconds until the window ends when over the limit, else None."""
    try:
        usage = get_usage(
            request, group=f"mpt.{action}.{scope}", key=lambda _group, _request: value,
            rate=rate, method="POST", increment=True,
        )
    except (RedisError, OSError):
        # A cache that cannot count lets the person through: refusing everyone would be worse.
        log.warning("Rate limit %s.%s not counted: the cache is unreachable", action, scope, exc_info=True)
        return None
    if not usage or not usage["should_limit"] or usage["time_left"] < 0:
        return None
    return max(1, usage["time_left"])


def check(request, action, *, account=""):
    """Count this POST against the action's limits per address and per account.

    Returns a Refusal saying when to try again once either limit is used up,
    else None. `account` is the address typed into the form (any letter case).
    Cheap by design: it runs before any password is hashed or row is written.
    """
    rates = settings.MPT_RATE_LIMITS[action]
    address = client_ip(request) or "unknown"
    waits = [_count(request, action=action, scope="address", value=address, rate=rates["address"])]
    account = normalise_email(account)
    if account:
        waits.append(_count(request, action=action, scope="account", value=account, rate=rates["account"]))
    waits = [wait for wait in waits if wait]
    if not waits:
        return None
    return Refusal(action=action, retry_at=timezone.now() + timedelta(seconds=max(waits)))


def refused_response(request, refusal):
    """Our page for a refused attempt: status 429 and a Retry-After header."""
    response = render(
        request,
        "errors/429.html",
        {"what": ACTIONS[refusal.action], "when": refusal.when(), "action": refusal.action},
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after_seconds)
    return response
