"""Refusing the NUL character at the door of the pages.

PostgreSQL cannot store or even compare a text holding U+0000: a search box sent with
``?q=%00`` failed the page's query with a server error. Django's forms refuse NUL, but a
list page reads its filters from the query string directly. No parameter of ours has a
use for it, so a page request carrying one is answered 400 with the parameter named,
before any view runs. The API refuses it its own way (422, ``api/parser.py``)."""

from django.shortcuts import render

from zhaoshang.api.parser import MESSAGE


def _offending(querydict):
    for key, values in querydict.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "")
    return None


class NulCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            key = _offending(request.GET)
            if key is None and request.method == "POST":
                key = _offending(request.POST)
            if key is not None:
                return render(
                    request,
                    "errors/400.html",
                    {"message": f"参数“{key}”{MESSAGE}，请删除后重试。"},
                    status=400,
                )
        return self.get_response(request)
