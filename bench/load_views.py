"""The raw-SQL floor of the load benchmark: the rows the kanban, the project list, the
enterprise search, the project page and the dashboards show, read with plain SQL and
returned as bare HTML, behind the same middleware (session, login, security gates) as the
real pages. What separates the two figures is the view: the ORM, scoping helpers,
templates. Mounted only by bench/load_settings.py, never by the product's URLs."""

import datetime as dt
from html import escape

from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone

from zhaoshang.org.models import DataScope
from zhaoshang.org.scoping import user_scope

CARD_COLUMNS = (
    "p.id, p.name, p.stage, p.stage_before_hold, p.major_level, p.estimated_investment,"
    " p.agreed_investment, p.last_ledger_on, p.created_at, e.name, d.name, k.name"
)
CARD_JOINS = (
    " JOIN enterprises_enterprise e ON e.id = p.enterprise_id"
    " JOIN org_department d ON d.id = p.department_id"
    " LEFT JOIN reference_keyindustry k ON k.id = p.key_industry_id"
)
STAGES = [
    "lead",
    "negotiating",
    "signed",
    "landed",
    "construction",
    "operating",
    "on_hold",
    "dropped",
]
SIGNED = ("signed", "landed", "construction", "operating")
LANDED = ("landed", "construction", "operating")


def _login_required(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseRedirect("/login/")
        return view(request, *args, **kwargs)

    return wrapped


def _scope(request):
    """(SQL condition on p and d, params): the user's data scope, as for_user applies it."""
    scope = user_scope(request.user)
    if scope == DataScope.ALL:
        return "", []
    if scope == DataScope.UNIT_AND_BELOW:
        return " AND d.path LIKE %s", [request.user.department.path + "%"]
    return " AND p.department_id = %s", [request.user.department_id]


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _html(rows):
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return HttpResponse(f"<!doctype html><table>{body}</table>")


@_login_required
def kanban(request):
    where, params = _scope(request)
    counts = _rows(
        "SELECT p.stage, count(*) FROM pipeline_project p"
        " JOIN org_department d ON d.id = p.department_id"
        f" WHERE true{where} GROUP BY p.stage",
        params,
    )
    out = list(counts)
    present = {stage for stage, n in counts if n}
    for stage in STAGES:
        if stage in present:
            out += _rows(
                f"SELECT {CARD_COLUMNS} FROM pipeline_project p{CARD_JOINS}"
                f" WHERE p.stage = %s{where}"
                " ORDER BY p.stage_changed_at DESC, p.id DESC LIMIT 20",
                [stage, *params],
            )
    return _html(out)


@_login_required
def project_list(request):
    where, params = _scope(request)
    if request.GET.get("stage"):
        where += " AND p.stage = %s"
        params.append(request.GET["stage"])
    if request.GET.get("department"):
        where += " AND p.department_id = %s"
        params.append(int(request.GET["department"]))
    total = _rows(
        "SELECT count(*) FROM pipeline_project p JOIN org_department d ON d.id = p.department_id"
        f" WHERE true{where}",
        params,
    )
    rows = _rows(
        f"SELECT {CARD_COLUMNS} FROM pipeline_project p{CARD_JOINS}"
        f" WHERE true{where} ORDER BY p.id DESC LIMIT 50",
        params,
    )
    return _html(total + rows)


@_login_required
def project_detail(request, pk):
    where, params = _scope(request)
    out = _rows(
        f"SELECT p.*, e.name, d.name FROM pipeline_project p{CARD_JOINS} WHERE p.id = %s{where}",
        [pk, *params],
    )
    if not out:
        return HttpResponse(status=404)
    for table, order in (
        ("stagechange", "at"),
        ("ledgerentry", "occurred_on"),
        ("fundsentry", "received_on"),
        ("ownerchange", "id"),
        ("problem", "created_at"),
        ("projectmember", "id"),
    ):
        out += _rows(
            f"SELECT * FROM pipeline_{table} WHERE project_id = %s"  # noqa: S608
            f" ORDER BY {order} DESC, id DESC LIMIT 20",
            [pk],
        )
    return _html(out)


@_login_required
def enterprise_search(request):
    """The first page of the library for a search: the postings of the query's first
    bigram, newest first, checked for the whole query."""
    q = request.GET.get("q", "").strip().lower()
    rows = _rows(
        "SELECT e.id, e.name, e.credit_code, e.status, e.department_id"
        " FROM enterprises_searchgram g JOIN enterprises_enterprise e ON e.id = g.enterprise_id"
        " WHERE g.gram = %s AND e.merged_into_id IS NULL AND e.search_text LIKE %s"
        " ORDER BY g.enterprise_id DESC LIMIT 21",
        [q[:2], f"%{q}%"],
    )
    return _html(rows)


def _month(column):
    if connection.vendor == "postgresql":
        return f"EXTRACT(MONTH FROM {column})"
    return f"CAST(strftime('%%m', {column}) AS INTEGER)"


@_login_required
def dashboard(request):
    """The year's signings and landings per unit and month, the funds' month sums and
    the targets; the office's also the overdue ledgers and problems."""
    today = timezone.localdate()
    first = dt.date(today.year, 1, 1)
    scope = user_scope(request.user)
    unit = None if scope == DataScope.ALL else request.user.department_id
    mine, mine_params = (" AND department_id = %s", [unit]) if unit else ("", [])
    out = []
    for stages, column in ((SIGNED, "signed_on"), (LANDED, "registered_on")):
        marks = ", ".join(["%s"] * len(stages))
        out += _rows(
            f"SELECT department_id, {_month(column)}, count(*), sum(agreed_investment)"
            f" FROM pipeline_project WHERE stage IN ({marks}) AND {column} BETWEEN %s AND %s"
            f"{mine} GROUP BY 1, 2",
            [*stages, first, today, *mine_params],
        )
    out += _rows(
        "SELECT unit_id, year, month, currency, source, cents, entries FROM reports_fundsmonth"
        " WHERE year = %s" + (" AND unit_id = %s" if unit else ""),
        [today.year, *([unit] if unit else [])],
    )
    out += _rows(
        f"SELECT * FROM assessment_target WHERE year = %s{mine}", [today.year, *mine_params]
    )
    if unit is None:
        due = today - dt.timedelta(days=30)
        active = "('negotiating', 'signed', 'landed', 'construction')"
        out += _rows(
            f"SELECT count(*) FROM pipeline_project WHERE stage IN {active}"
            " AND last_ledger_on < %s",
            [due],
        )
        out += _rows(
            "SELECT p.id, p.name, p.last_ledger_on, d.name FROM pipeline_project p"
            " JOIN org_department d ON d.id = p.department_id"
            f" WHERE p.stage IN {active} AND p.last_ledger_on < %s"
            " ORDER BY p.last_ledger_on, p.id LIMIT 20",
            [due],
        )
        out += _rows(
            "SELECT q.id, q.title, q.due_on, p.name FROM pipeline_problem q"
            " JOIN pipeline_project p ON p.id = q.project_id"
            " WHERE q.status = 'open' AND q.due_on < %s ORDER BY q.due_on, q.id LIMIT 20",
            [today],
        )
    return _html(out)
