"""Reads of the enterprise library.

Base facts (name, code, capital, industry, rankings …) are shared with every promotion
user; contacts and notes are confidential to the following unit, read through
``Contact.objects.for_user`` and ``may_see_confidential``. Lists page by keyset, so page
10,000 costs what page 1 costs."""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from zhaoshang.org import roles
from zhaoshang.org.models import DataScope, Department
from zhaoshang.org.scoping import user_scope

from . import search
from .models import (
    Contact,
    Enterprise,
    ImportJob,
    Ownership,
    Ranking,
    SearchGram,
    Status,
    Tag,
)
from .parsing import exact_name, normalize_name

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhaoshang.org.models import User


def with_same_name(qs: QuerySet[Enterprise], name: str) -> Enterprise | None:
    """The first enterprise of ``qs`` whose name is the same name as ``name`` ("名称相同":
    ``exact_name`` agrees), or None. The core (``dedupe_key``) only narrows the search:
    a group and its joint-stock company, or a company and its branch, share a core but
    are different enterprises, and a project must never be linked to the wrong one."""
    key = normalize_name(name)
    if not key:
        return None
    exact = exact_name(name)
    for e in qs.filter(dedupe_key=key).order_by("pk"):
        if exact_name(e.name) == exact:
            return e
    return None


CODE_PREFIX = re.compile(r"^[0-9][0-9A-Z]{5,17}$")
LETTERS = re.compile(r"^[a-z0-9]{2,}$")
PAGE_SIZE = 20

# sort name -> (label, ordering fields, how to read the cursor values off a row)
SORTS = {
    "new": ("最近登记", ("-id",)),
    "name": ("名称", ("dedupe_key", "id")),
    "capital": ("注册资本", ("-cap", "-id")),
    # A code prefix matches a range of the code index: read in code order, nothing to sort.
    "code": ("信用代码", ("credit_code", "id")),
}


def default_sort(q: str) -> str:
    return "code" if CODE_PREFIX.match(search.search_key(q).upper()) else "new"


class SearchTooShort(ValueError):
    pass


def library(user: User) -> QuerySet[Enterprise]:
    """The live enterprises a promotion user may read (base facts are shared)."""
    if user_scope(user) == DataScope.NONE or not user.has_perm(roles.VIEW_ENTERPRISES):
        return Enterprise.objects.none()
    return Enterprise.objects.live()


def apply_search(qs: QuerySet[Enterprise], q: str) -> QuerySet[Enterprise]:
    key = search.search_key(q)
    if not key:
        return qs
    if len(key) < 2:
        raise SearchTooShort("请输入至少两个字（或两个拼音首字母、六位以上信用代码）。")
    upper = key.upper()
    if CODE_PREFIX.match(upper):
        return qs.filter(credit_code__gte=upper, credit_code__lt=upper + "~")
    if LETTERS.match(key) and not key.isdigit():
        # Letters are pinyin initials ("hwjs"); only when no name starts with them are
        # they looked for inside names ("天津ABC科技"). An OR of the two would make the
        # database give up its indexes on a million rows.
        by_initials = qs.filter(initials__gte=key, initials__lt=key + "{")
        if by_initials.exists():
            return by_initials
    grams = search.rare_grams(key, n=2)
    if not grams:
        return qs.none()  # some bigram of the query is in no name at all
    if len(key) == 2:
        # Every two-character substring of a name is one of its postings: no text check.
        # The posting's own id is what "newest first" orders by: read backwards from the
        # (gram, enterprise) index, a common bigram's first page stops after 21 postings
        # instead of sorting all of them (SQLite does not see that e.id = its posting's).
        return qs.filter(grams__gram=key).annotate(posting=F("grams__enterprise_id"))
    # Walk the rarest bigram's postings; the second rarest is checked from its index
    # before the row itself is read for the full substring.
    qs = qs.filter(grams__gram=grams[0])
    if len(grams) > 1:
        qs = qs.filter(
            Exists(SearchGram.objects.filter(enterprise_id=OuterRef("pk"), gram=grams[1]))
        )
    return qs.filter(search_text__contains=key)


def apply_filters(qs: QuerySet[Enterprise], f: dict[str, Any]) -> QuerySet[Enterprise]:
    if f.get("industry"):
        qs = qs.filter(
            Exists(
                Enterprise.industries.through.objects.filter(
                    enterprise_id=OuterRef("pk"), industry__code__startswith=f["industry"]
                )
            )
        )
    if f.get("key_industry"):
        qs = qs.filter(
            Exists(
                Enterprise.key_industries.through.objects.filter(
                    enterprise_id=OuterRef("pk"), keyindustry_id=f["key_industry"]
                )
            )
        )
    if f.get("region"):
        qs = qs.filter(hq_region_id=f["region"])
    if f.get("area"):
        qs = qs.filter(hq_region__areas__code=f["area"])
    if f.get("ranking"):
        qs = qs.filter(
            Exists(Ranking.objects.filter(enterprise_id=OuterRef("pk"), kind=f["ranking"]))
        )
    if f.get("tag"):
        qs = qs.filter(
            Exists(
                Enterprise.tags.through.objects.filter(
                    enterprise_id=OuterRef("pk"), tag_id=f["tag"]
                )
            )
        )
    if f.get("ownership"):
        qs = qs.filter(ownership=f["ownership"])
    if f.get("listed") == "1":
        qs = qs.exclude(stock_code="")
    elif f.get("listed") == "0":
        qs = qs.filter(stock_code="")
    if f.get("department"):
        qs = qs.filter(department_id=f["department"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    sort: str


def _cursor_values(row, sort):
    if sort == "name":
        return [row.dedupe_key, row.pk]
    if sort == "capital":
        return [str(row.cap), row.pk]
    if sort == "code":
        return [row.credit_code or "", row.pk]
    return [row.pk]


def _after(qs, sort, values):
    if sort == "name":
        key, pk = values
        return qs.filter(Q(dedupe_key__gt=key) | Q(dedupe_key=key, pk__gt=pk))
    if sort == "capital":
        cap, pk = Decimal(values[0]), values[1]
        return qs.filter(Q(cap__lt=cap) | Q(cap=cap, pk__lt=pk))
    if sort == "code":
        code, pk = values
        return qs.filter(Q(credit_code__gt=code) | Q(credit_code=code, pk__gt=pk))
    if "posting" in qs.query.annotations:  # see apply_search: the same bound on the index
        qs = qs.filter(posting__lt=values[0])
    return qs.filter(pk__lt=values[0])


def page(
    qs: QuerySet[Enterprise], *, sort: str = "new", cursor: str | None = None, size: int = PAGE_SIZE
) -> Page:
    """One page by keyset: rows after ``cursor`` in ``sort`` order, and the next cursor."""
    sort = sort if sort in SORTS else "new"
    if sort == "capital":
        qs = qs.annotate(cap=Coalesce("registered_capital", Value(Decimal(-1))))
    if cursor:
        # A mangled cursor restarts at the first page.
        with contextlib.suppress(signing.BadSignature, ValueError, TypeError, IndexError):
            qs = _after(qs, sort, signing.loads(cursor, salt="enterprise-page"))
    ordering = SORTS[sort][1]
    if sort == "new" and "posting" in qs.query.annotations:
        ordering = ("-posting",)
    rows = list(qs.order_by(*ordering)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = (
        signing.dumps(_cursor_values(rows[-1], sort), salt="enterprise-page") if more else None
    )
    return Page(rows, next_cursor, sort)


def with_list_relations(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Every relation an export row writes."""
    return qs.select_related("hq_region", "department").prefetch_related("rankings", "tags")


# The columns a list row shows (and the keyset sorts read), nothing else: no search text,
# description or notes travel for a row that does not show them.
LIST_ONLY = (
    "id",
    "name",
    "dedupe_key",
    "credit_code",
    "ownership",
    "registered_capital",
    "registered_currency",
    "status",
    "hq_region__name",
    "department__name",
)


def for_list_page(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return qs.select_related("hq_region", "department").only(*LIST_ONLY)


def _capital_text(amount, currency):
    if amount is None:
        return "—"
    # As the page always showed it: whole 万, rounded half to even.
    return f"{round(float(amount) / 10000)}万" + (" " + currency if currency != "CNY" else "元")


def _badges(ids):
    """{enterprise id: ([ranking labels], [tag names])} of a page, in one round trip.

    The two lists come from different tables; one UNION ALL read costs half of two ORM
    queries, which is what a list page spends its time on once the search is indexed."""
    rankings, tags = defaultdict(list), defaultdict(list)
    if not ids:
        return rankings, tags
    marks = ",".join(["%s"] * len(ids))
    through = Enterprise.tags.through._meta.db_table
    sql = (
        f"SELECT enterprise_id, 'r', kind, year, rank FROM {Ranking._meta.db_table}"  # noqa: S608 - our table names
        f" WHERE enterprise_id IN ({marks}) UNION ALL"
        f" SELECT et.enterprise_id, 't', t.name, CASE WHEN t.is_builtin THEN 0 ELSE 1 END, t.id"
        f" FROM {through} et JOIN {Tag._meta.db_table} t ON t.id = et.tag_id"
        f" WHERE et.enterprise_id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *ids])
        found = cursor.fetchall()
    # The models' own orderings: rankings newest year first, then kind; tags built-in first.
    for pk, what, text, number, extra in sorted(
        found, key=lambda r: (r[1], -r[3], r[2]) if r[1] == "r" else (r[1], r[3], r[4])
    ):
        if what == "r":
            rankings[pk].append(Ranking.label(text, number, extra))
        else:
            tags[pk].append(text)
    return rankings, tags


def list_rows(enterprises: Iterable[Enterprise]) -> list[dict[str, Any]]:
    """A page's rows as plain values for the list template: the rankings and tags of the
    whole page in one read (plain values, no model instances or prefetch managers per
    row), and the detail link formatted, not reversed, per row."""
    rankings, tags = _badges([e.pk for e in enterprises])
    link = reverse("enterprises:enterprise_detail", args=[999999999]).replace("999999999", "%d")
    ownership, status = dict(Ownership.choices), dict(Status.choices)
    return [
        {
            "url": link % e.pk,
            "name": e.name,
            "tags": tags.get(e.pk, ()),
            "code": e.credit_code or "—",
            "ownership": ownership.get(e.ownership) or "—",
            "region": e.hq_region.name if e.hq_region else "—",
            "capital": _capital_text(e.registered_capital, e.registered_currency),
            "rankings": rankings.get(e.pk, ()),
            "status": status.get(e.status, e.status),
            "department": e.department.name if e.department else "—",
        }
        for e in enterprises
    ]


def may_see_confidential(user: User, enterprise: Enterprise) -> bool:
    """Contacts and notes: the following unit (within the user's scope) and the office."""
    scope = user_scope(user)
    if scope == DataScope.ALL:
        return True
    if scope == DataScope.NONE or enterprise.department_id is None:
        return False
    return Department.objects.for_user(user).filter(pk=enterprise.department_id).exists()


def confidential_ids(user: User, enterprise_ids: Iterable[int]) -> set[int]:
    scope = user_scope(user)
    if scope == DataScope.ALL:
        return set(enterprise_ids)
    if scope == DataScope.NONE:
        return set()
    units = Department.objects.for_user(user).values("pk")
    return set(
        Enterprise.objects.filter(pk__in=list(enterprise_ids), department__in=units).values_list(
            "pk", flat=True
        )
    )


def contacts_for(user: User, enterprise: Enterprise) -> QuerySet[Contact]:
    return Contact.objects.for_user(user).filter(enterprise=enterprise)


def mask_name(name: str) -> str:
    return (name[:1] + "*" * (len(name) - 1)) if name else ""


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "****" if phone else ""


def import_jobs_for(user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(created_by=user)
