"""The security policy in force: settings give the defaults, the SecurityPolicy row (edited
by the security administrator) overrides them, always within level-3 bounds."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .models import SecurityPolicy

CACHE_KEY = "zs:security-policy"

# field -> (settings key, lowest allowed, highest allowed)
BOUNDS = {
    "password_max_age_days": ("PASSWORD_MAX_AGE_DAYS", 7, 90),
    "password_history": ("PASSWORD_HISTORY", 5, 24),
    "lockout_failures": ("LOCKOUT_FAILURES", 3, 5),
    "lockout_minutes": ("LOCKOUT_MINUTES", 30, 24 * 60),
    # An address is locked only when this many accounts have failed from it (spraying);
    # one clerk's typos lock their own account only.
    "address_lockout_accounts": ("ADDRESS_LOCKOUT_ACCOUNTS", 3, 100),
    "idle_minutes": ("IDLE_MINUTES", 5, 30),
    "audit_retention_days": ("AUDIT_RETENTION_DAYS", 180, 3650),
}


# Text settings of the policy: field -> settings key.
TEXTS = {"webhook_allowed_hosts": "WEBHOOK_ALLOWED_HOSTS"}


def defaults():
    value = {field: settings.SECURITY_POLICY[key] for field, (key, _, _) in BOUNDS.items()}
    value.update({field: settings.SECURITY_POLICY.get(key, "") for field, key in TEXTS.items()})
    return value


def current():
    """The effective policy as a dict (cached; the policy service clears the cache)."""
    value = cache.get(CACHE_KEY)
    if value is None:
        value = defaults()
        row = SecurityPolicy.objects.values(*BOUNDS, *TEXTS).first()
        if row:
            value.update(row)
        cache.set(CACHE_KEY, value, 60)
    return value


def password_expired(user, now=None):
    """Whether ``user``'s password is past the policy's maximum age (or was never set by
    the user)."""
    max_age = current()["password_max_age_days"]
    if user.password_changed_at is None:
        return True
    return (now or timezone.now()) - user.password_changed_at > timedelta(days=max_age)


def clear_cache():
    cache.delete(CACHE_KEY)


# Axes reads these through dotted paths in settings.
def failure_limit(request=None, credentials=None):
    return current()["lockout_failures"]


def cool_off(request=None):
    return timedelta(minutes=current()["lockout_minutes"])
