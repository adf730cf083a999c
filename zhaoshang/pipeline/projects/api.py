"""Projects over JSON: the same scoping, services and workflow as the pages. A refused
move answers 400 with the Chinese reason, a move that lost to someone else's 409."""

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from zhaoshang.enterprises.queries import library
from zhaoshang.org import roles
from zhaoshang.org.access import require
from zhaoshang.org.models import Department
from zhaoshang.reference.calendar import fallback_notice

from ..models import FundsEntry, Problem
from . import queries, services, workflow

router = Router(tags=["项目"])
VIEW = roles.VIEW_PIPELINE
MANAGE = roles.MANAGE_PIPELINE
PAGE_SIZE = 50


class ProjectOut(Schema):
    id: int
    name: str
    enterprise_id: int
    enterprise: str
    stage: str
    stage_label: str
    department_id: int
    department: str
    method: str
    estimated_investment: Decimal | None
    agreed_investment: Decimal | None
    agreed_investment_foreign: Decimal | None
    major_level: str
    key_industry_id: int | None
    zone_id: int | None
    signed_on: datetime.date | None
    agreement_no: str
    registered_credit_code: str
    registered_on: datetime.date | None
    construction_on: datetime.date | None
    operating_on: datetime.date | None
    last_ledger_on: datetime.date | None
    version: int


class ProjectPageOut(Schema):
    items: list[ProjectOut]
    next_cursor: str | None


class ProjectIn(Schema):
    name: str
    enterprise_id: int
    description: str = ""
    method: str = "other"
    estimated_investment: Decimal | None = None
    key_industry_id: int | None = None
    zone_id: int | None = None
    strategic_emerging: bool = False


class ProjectPatch(Schema):
    version: int
    name: str | None = None
    description: str | None = None
    method: str | None = None
    estimated_investment: Decimal | None = None
    registered_capital: Decimal | None = None
    key_industry_id: int | None = None
    zone_id: int | None = None
    expected_jobs: int | None = None
    expected_tax: Decimal | None = None
    expected_output: Decimal | None = None
    strategic_emerging: bool | None = None


class MoveIn(Schema):
    to_stage: str
    expected_stage: str
    reason: str = ""
    occurred_on: datetime.date | None = None
    signed_on: datetime.date | None = None
    agreed_investment: Decimal | None = None
    agreed_investment_foreign: Decimal | None = None
    agreement_no: str = ""
    registered_credit_code: str = ""
    registered_on: datetime.date | None = None
    construction_on: datetime.date | None = None
    operating_on: datetime.date | None = None


class Message(Schema):
    detail: str
    stage: str | None = None


class LedgerOut(Schema):
    id: int
    occurred_on: datetime.date
    content: str
    next_step: str


class LedgerIn(Schema):
    occurred_on: datetime.date
    content: str
    next_step: str = ""


class FundsOut(Schema):
    id: int
    received_on: datetime.date
    amount: Decimal
    currency: str
    source: str
    note: str


class FundsIn(Schema):
    received_on: datetime.date
    amount: Decimal
    currency: str = "CNY"
    source: str | None = None
    note: str = ""


class ProblemOut(Schema):
    id: int
    project_id: int
    category: str
    title: str
    owner_department_id: int
    deadline_days: int
    due_on: datetime.date
    status: str
    level: str
    resolution: str
    version: int
    # Beside a deadline counted Monday to Friday: its year's holidays are not entered yet.
    deadline_notice: str = ""

    @staticmethod
    def resolve_deadline_notice(obj):
        return fallback_notice(obj.due_on)


class ProblemIn(Schema):
    category: str
    title: str
    description: str = ""
    owner_department_id: int
    deadline_days: int | None = None


class ProblemAction(Schema):
    note: str
    version: int | None = None


class ProblemReopen(ProblemAction):
    # The new deadline in working days; by default the problem's own.
    deadline_days: int | None = None


def _out(p):
    return {
        **{
            f: getattr(p, f)
            for f in (
                "id",
                "name",
                "enterprise_id",
                "stage",
                "department_id",
                "method",
                "estimated_investment",
                "agreed_investment",
                "agreed_investment_foreign",
                "major_level",
                "key_industry_id",
                "zone_id",
                "signed_on",
                "agreement_no",
                "registered_credit_code",
                "registered_on",
                "construction_on",
                "operating_on",
                "last_ledger_on",
                "version",
            )
        },
        "enterprise": p.enterprise.name,
        "department": p.department.name,
        "stage_label": p.get_stage_display(),
    }


def _project(request, project_id):
    return get_object_or_404(
        queries.with_list_relations(queries.projects(request.user)), pk=project_id
    )


@router.get("/projects", response=ProjectPageOut, summary="项目清单（按数据范围，键集分页）")
@require(VIEW)
def list_projects(
    request,
    q: str = "",
    stage: str = "",
    department: str = "",
    key_industry: str = "",
    industry: str = "",
    zone: str = "",
    method: str = "",
    major_level: str = "",
    overdue: str = "",
    signed_from: str = "",
    signed_to: str = "",
    after: str = "",
):
    filters = {k: v for k, v in locals().items() if k in queries.FILTERS}
    qs = queries.with_list_relations(
        queries.apply_filters(queries.projects(request.user), filters)
    ).order_by("-id")
    if after:
        if not after.isdigit():
            raise HttpError(400, "分页游标 after 应为上一页返回的 next_cursor。")
        qs = qs.filter(id__lt=int(after))
    rows = list(qs[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return {"items": [_out(p) for p in rows], "next_cursor": str(rows[-1].pk) if more else None}


@router.get("/projects/{project_id}", response=ProjectOut, summary="项目详情")
@require(VIEW)
def get_project(request, project_id: int):
    return _out(_project(request, project_id))


@router.post("/projects", response={201: ProjectOut, 422: dict}, summary="登记项目（线索阶段）")
@require(MANAGE)
def create_project(request, payload: ProjectIn):
    data = payload.dict()
    enterprise = library(request.user).filter(pk=data.pop("enterprise_id")).first()
    if enterprise is None:
        return Status(422, {"errors": {"enterprise_id": ["企业库中没有该企业。"]}})
    p = services.project_create(actor=request.user, data={**data, "enterprise": enterprise})
    return Status(201, _out(_project(request, p.pk)))


@router.patch("/projects/{project_id}", response={200: ProjectOut, 422: dict}, summary="修改项目")
@require(MANAGE)
def update_project(request, project_id: int, payload: ProjectPatch):
    p = _project(request, project_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "version"}
    services.project_update(actor=request.user, project=p, data=data, version=payload.version)
    return Status(200, _out(_project(request, project_id)))


@router.post(
    "/projects/{project_id}/move",
    response={200: ProjectOut, 400: Message, 409: dict, 422: dict},
    summary="阶段变更（并发时仅一人成功）",
)
@require(MANAGE)
def move_project(request, project_id: int, payload: MoveIn):
    p = _project(request, project_id)
    data = payload.dict()
    try:
        workflow.project_move(
            actor=request.user,
            project=p,
            to_stage=data.pop("to_stage"),
            expected_stage=data.pop("expected_stage"),
            reason=data.pop("reason"),
            data=data,
        )
    except ValueError as exc:
        return Status(400, {"detail": f"阶段代码不正确：{exc}"})
    return Status(200, _out(p))  # project_move reloaded it, with its enterprise and unit


@router.get("/projects/{project_id}/ledger", response=list[LedgerOut], summary="推进台账")
@require(VIEW)
def list_ledger(request, project_id: int):
    return list(_project(request, project_id).ledger_entries.all()[:500])


@router.post(
    "/projects/{project_id}/ledger", response={201: LedgerOut, 422: dict}, summary="登记推进台账"
)
@require(MANAGE)
def add_ledger(request, project_id: int, payload: LedgerIn):
    p = _project(request, project_id)
    entry = services.ledger_entry_add(actor=request.user, project=p, **payload.dict())
    return Status(201, entry)


@router.get("/projects/{project_id}/funds", response=list[FundsOut], summary="到位资金")
@require(VIEW)
def list_funds(request, project_id: int):
    return list(_project(request, project_id).funds_entries.all())


@router.post(
    "/projects/{project_id}/funds", response={201: FundsOut, 422: dict}, summary="登记到位资金"
)
@require(MANAGE)
def add_funds(request, project_id: int, payload: FundsIn):
    p = _project(request, project_id)
    data = payload.dict()
    if data["source"] not in (None, *FundsEntry.Source.values):
        return Status(422, {"errors": {"source": ["资金来源应为 domestic 或 foreign。"]}})
    entry = services.funds_entry_add(actor=request.user, project=p, **data)
    return Status(201, entry)


@router.get("/projects/{project_id}/problems", response=list[ProblemOut], summary="项目问题清单")
@require(VIEW)
def list_problems(request, project_id: int):
    return list(_project(request, project_id).problems.all())


@router.post(
    "/projects/{project_id}/problems", response={201: ProblemOut, 422: dict}, summary="登记问题"
)
@require(MANAGE)
def add_problem(request, project_id: int, payload: ProblemIn):
    p = _project(request, project_id)
    data = payload.dict()
    unit = Department.objects.filter(pk=data.pop("owner_department_id"), is_active=True).first()
    if unit is None:
        return Status(422, {"errors": {"owner_department_id": ["责任单位不存在。"]}})
    problem = services.problem_raise(actor=request.user, project=p, owner_department=unit, **data)
    return Status(201, problem)


def _problem(request, problem_id):
    return get_object_or_404(Problem.objects.for_user(request.user), pk=problem_id)


@router.post(
    "/problems/{problem_id}/escalate",
    response={200: ProblemOut, 422: dict},
    summary="问题升级（责任单位 → 招商办 → 联席会议）",
)
@require(MANAGE)
def escalate_problem(request, problem_id: int, payload: ProblemAction):
    problem = _problem(request, problem_id)
    services.problem_escalate(actor=request.user, problem=problem, **payload.dict())
    return Status(200, Problem.objects.get(pk=problem.pk))


@router.post(
    "/problems/{problem_id}/resolve",
    response={200: ProblemOut, 409: Message, 422: dict},
    summary="问题办结",
)
@require(MANAGE)
def resolve_problem(request, problem_id: int, payload: ProblemAction):
    problem = _problem(request, problem_id)
    services.problem_resolve(
        actor=request.user, problem=problem, resolution=payload.note, version=payload.version
    )
    return Status(200, Problem.objects.get(pk=problem.pk))


@router.post(
    "/problems/{problem_id}/reopen",
    response={200: ProblemOut, 409: Message, 422: dict},
    summary="问题重新打开（须说明原因，办结期限按工作日重新起算）",
)
@require(MANAGE)
def reopen_problem(request, problem_id: int, payload: ProblemReopen):
    problem = _problem(request, problem_id)
    services.problem_reopen(actor=request.user, problem=problem, **payload.dict())
    return Status(200, Problem.objects.get(pk=problem.pk))
