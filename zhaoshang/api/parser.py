"""Reading a request's query and JSON body, refusing the NUL character.

A NUL (U+0000) is valid in a URL and in JSON ("\\u0000") and in a Python string, but
PostgreSQL cannot store or even compare a text containing one: passed on, it fails the
query (a server error, and the request's transaction with it). No field of ours has a
use for it, so the API refuses it at the door with a 422 that names the parameter, as
pydantic does for any other invalid value. (Django's forms refuse it the same way.)"""

import json

from ninja.errors import ValidationError
from ninja.parser import Parser

MESSAGE = "不能含有空字符（\\u0000）"


class NulCharacter(ValueError):
    def __init__(self, loc):
        super().__init__(MESSAGE)
        self.loc = loc

    def as_validation_error(self):
        return ValidationError([{"type": "value_error", "loc": self.loc, "msg": MESSAGE}])


def _find(value, loc):
    """The location of the first NUL in a parsed JSON value, or None."""
    if isinstance(value, str):
        return loc if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return [*loc, key]
        found = _find(item, [*loc, key])
        if found:
            return found
    return None


class NulRefusingParser(Parser):
    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                raise NulCharacter(["query", key]).as_validation_error()
        return super().parse_querydict(data, list_fields, request)

    def parse_body(self, request):
        data = json.loads(request.body)
        found = _find(data, ["body"])
        if found:
            # ninja turns any error here into "Cannot parse request body" (400); the API's
            # HttpError handler finds this as the cause and answers 422 with its place.
            raise NulCharacter(found)
        return data
