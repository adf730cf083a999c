"""Values read at most once per request.

Some rows are read by several parts of one page: the pipeline's settings are asked for by
the project page, its evaluation section and the signing guard, each a query of its own.
``once(key, read)`` keeps the first answer for the rest of the request and forgets it when
the request ends (``PerRequestMiddleware``), so a change still counts from the next
request, exactly as when every part read it itself. Nothing is shared between requests,
users or threads (the memo is a ``ContextVar``). Outside a request (the worker, a shell, a
test calling a service) there is no memo and every call reads.

Only values that are the same for every user may be kept this way (settings rows), never
a scoped read. A service that changes such a value calls ``forget(key)``, so a later read
in the same request sees the change."""

from contextvars import ContextVar

_memo: ContextVar[dict | None] = ContextVar("zs_per_request", default=None)


def once(key, read):
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def forget(key):
    memo = _memo.get()
    if memo is not None:
        memo.pop(key, None)


class PerRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
