"""The key itself: its format, its digest, and the API modules a key can be given.

A key reads ``zsk_<prefix>_<secret>``: a 12-hex-digit prefix, kept in clear so that the
key is found with one indexed lookup, and 32 random bytes (``secrets.token_urlsafe``).
Only the SHA-256 of the secret is stored. A fast hash is right here and wrong for
passwords: Argon2 and friends are slow so that guessing a *human-chosen* password costs
too much, but a 256-bit random secret cannot be guessed at any speed, and a slow hash
would add tens of milliseconds to every machine call for no gain."""

import functools
import hashlib
import hmac
import secrets

SCHEME = "zsk_"
PREFIX_LENGTH = 12
HEADER = "X-API-Key"


def generate():
    """``(raw key, prefix, digest)`` of a new key. The raw key is shown once."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    return f"{SCHEME}{prefix}_{secret}", prefix, digest(secret)


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(raw):
    """``(prefix, secret)`` of a presented key, or None when it is not one of ours."""
    raw = (raw or "").strip()
    head = len(SCHEME) + PREFIX_LENGTH
    if not raw.startswith(SCHEME) or len(raw) < head + 2 or raw[head] != "_":
        return None
    prefix, secret = raw[len(SCHEME) : head], raw[head + 1 :]
    if any(c not in "0123456789abcdef" for c in prefix):
        return None
    return prefix, secret


def matches(stored_digest, secret):
    # Constant-time, so the answer's timing says nothing about how much of it matched.
    return hmac.compare_digest(stored_digest, digest(secret))


@functools.cache
def modules():
    """``{router prefix: Chinese name}`` of the API's modules, read from the OpenAPI
    schema so that a module added to the API is offered here without a second list."""
    from django.urls import reverse

    from .api import api

    root = reverse("api:api-root")
    found = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        module = module_of(path, root)
        for operation in operations.values():
            found.setdefault(module, (operation.get("tags") or [module])[0])
    return found


def module_of(path, root):
    """The module a request path belongs to: its first segment below the API root."""
    return path[len(root) :].split("/", 1)[0] if path.startswith(root) else ""
