"""Every write of the agreements module and its rules, named ``<entity>_<verb>``, with
keyword-only arguments and an ``actor``. Views, the API, tasks and the demo call these."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from zhaoshang.common.imports import job_step_start, send_phase
from zhaoshang.common.records import record_create, record_update
from zhaoshang.notifications.recipients import permission_holders, recipients_in_unit
from zhaoshang.org.models import Department
from zhaoshang.org.roles import (
    ALLOCATE_INCENTIVE,
    COMPUTE_INCENTIVE,
    CONFIRM_OPERATING_DATA,
    PAY_INCENTIVE,
    RECORD_MEETING,
    VIEW_AGREEMENT,
)

from . import calculation, clauses
from .models import (
    Agreement,
    AgreementFile,
    Calculation,
    Clawback,
    Commitment,
    Disbursement,
    DisbursementState,
    IncentiveClause,
    OperatingData,
    OperatingDataImport,
)
from .workflow import (
    CLAWBACKS,
    DISBURSEMENTS,
    clawback_prepare,
    disbursement_prepare,
)


# --- Agreements -------------------------------------------------------------------------
def agreement_create(*, actor: Any, data: dict) -> Agreement:
    """A signed agreement on a project; the enterprise and (unless given) the responsible
    department come from the project. A supplementary agreement names its parent."""
    project = data["project"]
    data = {
        "enterprise": project.enterprise,
        "created_by": actor,
        **data,
        "department": data.get("department") or project.department,
    }
    if data["kind"] == Agreement.Kind.SUPPLEMENTARY:
        parent = data.get("parent")
        if parent is None:
            raise ValidationError({"parent": "补充协议须选择所补充的协议。"})
        if parent.project_id != project.pk:
            raise ValidationError({"parent": "补充协议与所补充的协议须属于同一项目。"})
    elif data.get("parent") is not None:
        raise ValidationError({"parent": "只有补充协议才能选择所补充的协议。"})
    if data["kind"] == Agreement.Kind.TAILORED:
        approval = data.get("terms_approval")
        if approval is None or approval.approved_on is None:
            raise ValidationError(
                {"terms_approval": "一企一策协议须关联常务会议已审议通过的一企一策条款。"}
            )
    if data["term_end"] < data["term_start"]:
        raise ValidationError({"term_end": "协议期限止早于协议期限起。"})
    return record_create(Agreement, actor=actor, data=data)


def agreement_update(
    *, actor: Any, agreement: Agreement, data: dict, version: int | None = None
) -> Agreement:
    return record_update(agreement, actor=actor, data=data, version=version)


@transaction.atomic
def agreement_file_add(
    *, actor: Any, agreement: Agreement, file: Any, note: str = ""
) -> AgreementFile:
    """The signed text as a new version; earlier versions stay."""
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    last = agreement.files.aggregate(n=Max("version"))["n"] or 0
    return record_create(
        AgreementFile,
        actor=actor,
        data={
            "agreement": agreement,
            "version": last + 1,
            "file": file,
            "note": note,
            "uploaded_by": actor,
        },
    )


def agreement_record_move_out(
    *, actor: Any, agreement: Agreement, moved_out_on: dt.date, version: int | None = None
) -> Agreement:
    """迁出: the enterprise moved out of the district on this day."""
    if moved_out_on < agreement.signed_on:
        raise ValidationError({"moved_out_on": "迁出日期早于签约日期。"})
    return record_update(
        agreement,
        actor=actor,
        data={"moved_out_on": moved_out_on},
        version=version,
        detail=f"登记企业迁出：{moved_out_on}",
    )


# --- Commitments ------------------------------------------------------------------------
@transaction.atomic
def commitment_set(
    *,
    actor: Any,
    agreement: Agreement,
    kind: str,
    year: int,
    amount: Decimal,
    due_on: dt.date | None = None,
) -> Commitment:
    """Set (or change) one year's commitment; a schedule is one call per year."""
    if amount is None or amount < 0:
        raise ValidationError({"amount": "承诺值不能为空或负数。"})
    if not agreement.term_start.year <= year <= agreement.term_end.year:
        raise ValidationError(
            {
                "year": f"{year}年不在协议期限内（{agreement.term_start.year}—"
                f"{agreement.term_end.year}年）。"
            }
        )
    existing = Commitment.objects.filter(agreement=agreement, kind=kind, year=year).first()
    data = {"amount": amount, "due_on": due_on}
    if existing is None:
        return record_create(
            Commitment,
            actor=actor,
            data={"agreement": agreement, "kind": kind, "year": year, **data},
        )
    return record_update(existing, actor=actor, data=data)


# --- Incentive clauses ------------------------------------------------------------------
def clause_create(*, actor: Any, agreement: Agreement, data: dict) -> IncentiveClause:
    """A new clause, checked by kind; years overlapping a clause of the same kind in
    force are refused."""
    if agreement.kind == Agreement.Kind.SUPPLEMENTARY:
        raise ValidationError("补充协议不直接新增条款，请在原协议上以补充协议修改条款。")
    data = clauses.check_clause(agreement=agreement, data=data)
    return record_create(
        IncentiveClause,
        actor=actor,
        data={**data, "agreement": agreement, "created_by": actor},
    )


@transaction.atomic
def clause_amend(
    *, actor: Any, clause: IncentiveClause, supplementary: Agreement, data: dict
) -> IncentiveClause:
    """A supplementary agreement amends a clause: a new clause takes its place and the
    old one is kept, pointing at the new one (history)."""
    clause = IncentiveClause.objects.select_for_update().get(pk=clause.pk)
    if clause.superseded_by_id is not None:
        raise ValidationError("该条款已被修改过，请在最新的条款上修改。")
    if (
        supplementary.kind != Agreement.Kind.SUPPLEMENTARY
        or supplementary.parent_id != clause.agreement_id
    ):
        raise ValidationError({"supplementary": "请选择该协议的补充协议。"})
    agreement = clause.agreement
    data = clauses.check_clause(agreement=agreement, data=data, exclude=clause.pk)
    new = record_create(
        IncentiveClause,
        actor=actor,
        data={**data, "agreement": agreement, "amended_in": supplementary, "created_by": actor},
        detail=f"依据补充协议 {supplementary.number} 修改条款“{clause.title}”",
    )
    record_update(
        clause,
        actor=actor,
        data={"superseded_by": new},
        detail=f"已由补充协议 {supplementary.number} 修改",
    )
    return new


# --- Operating data imports -------------------------------------------------------------
def operating_import_check_start(
    *,
    actor: Any,
    job: OperatingDataImport,
    mapping: dict,
    on_queued: Callable[[], None] | None = None,
    on_not_queued: Callable[[], None] | None = None,
) -> None:
    from . import tasks

    job_step_start(
        OperatingDataImport,
        job,
        from_states=[OperatingDataImport.State.UPLOADED, OperatingDataImport.State.CHECKED],
        to_state=OperatingDataImport.State.CHECKING,
        mapping=mapping,
        worker_started_at=None,
    )
    send_phase(
        OperatingDataImport,
        job.pk,
        tasks.check_operating_import,
        back_to=OperatingDataImport.State.UPLOADED,
        on_queued=on_queued,
        on_not_queued=on_not_queued,
    )


def operating_import_commit_start(
    *,
    actor: Any,
    job: OperatingDataImport,
    on_queued: Callable[[], None] | None = None,
    on_not_queued: Callable[[], None] | None = None,
) -> None:
    from . import tasks

    if job.errors:
        raise ValidationError("试导入发现被拒绝的行，请修正文件后重新上传，再确认导入。")
    job_step_start(
        OperatingDataImport,
        job,
        from_states=[OperatingDataImport.State.CHECKED],
        to_state=OperatingDataImport.State.IMPORTING,
        worker_started_at=None,
    )
    send_phase(
        OperatingDataImport,
        job.pk,
        tasks.commit_operating_import,
        actor.pk,
        back_to=OperatingDataImport.State.CHECKED,
        on_queued=on_queued,
        on_not_queued=on_not_queued,
    )


# --- The calculation --------------------------------------------------------------------
def data_rows(
    enterprise_ids: Iterable[int], year: int, *, ids: list[int] | None = None
) -> dict[int, list[dict]]:
    """Operating-data rows as the calculation reads them, by enterprise: the current
    rows of ``year`` (or exactly the rows ``ids``), with their file and supplier."""
    qs = OperatingData.objects.filter(year=year, enterprise_id__in=enterprise_ids)
    qs = qs.filter(pk__in=ids) if ids is not None else qs.current()
    out = defaultdict(list)
    for r in qs.values(
        "id",
        "enterprise_id",
        "year",
        "month",
        "source",
        "row_number",
        "batch__file_name",
        "batch__created_by__full_name",
        "department__name",
        *calculation.SOURCES,
    ).order_by("id"):
        r["file"] = r.pop("batch__file_name") or ""
        r["row"] = r.pop("row_number")
        by = r.pop("batch__created_by__full_name") or ""
        r["by"] = f"{r.pop('department__name')} {by}".strip()
        out[r.pop("enterprise_id")].append(r)
    return out


def _commitments(agreement_ids):
    out = defaultdict(dict)
    for agreement_id, kind, year, amount in Commitment.objects.filter(
        agreement_id__in=agreement_ids
    ).values_list("agreement_id", "kind", "year", "amount"):
        out[agreement_id][(kind, year)] = amount
    return out


def _clauses(agreement_ids, year):
    out = defaultdict(list)
    for clause in (
        IncentiveClause.objects.in_force()
        .filter(agreement_id__in=agreement_ids, first_year__lte=year, last_year__gte=year)
        .order_by("pk")
    ):
        out[clause.agreement_id].append(clause)
    return out


def compute_preview(
    agreement: Agreement, year: int, *, ids: list[int] | None = None
) -> tuple[list[dict], Decimal, calculation.Data]:
    """(lines, total, data) of ``agreement`` for ``year`` from the current data (or the
    rows ``ids``); raises MissingData."""
    rows = data_rows([agreement.enterprise_id], year, ids=ids)[agreement.enterprise_id]
    data = calculation.Data(year, rows)
    lines, total = calculation.compute(
        year,
        _clauses([agreement.pk], year)[agreement.pk],
        _commitments([agreement.pk])[agreement.pk],
        data,
    )
    return lines, total, data


def calculation_run(*, actor: Any, agreement: Agreement, year: int) -> Calculation:
    """Compute and keep one agreement's incentives for ``year``. Refuses, naming each
    missing figure, when the data is not all there."""
    try:
        lines, total, data = compute_preview(agreement, year)
    except calculation.MissingData as exc:
        raise ValidationError(
            [f"无法测算{agreement.enterprise.name}{year}年度奖励，缺少数据：", *exc.missing]
        ) from exc
    if not lines:
        raise ValidationError(f"该协议没有适用于{year}年度的奖励条款。")
    return record_create(
        Calculation,
        actor=actor,
        data={
            "agreement": agreement,
            "year": year,
            "total": total,
            "lines": lines,
            "inputs": sorted(data.used),
            "computed_by": actor,
        },
        detail=f"测算{year}年度奖励：{total} 元",
    )


def calculation_changes(calc: Calculation) -> dict | None:
    """What a fresh calculation would change: the kept inputs superseded by corrections,
    and the lines whose result would differ. None when nothing changed. One read finds
    both kinds of later data: corrections of the rows used, and rows added since."""
    from django.db.models import Q

    later = list(
        OperatingData.objects.filter(
            Q(supersedes_id__in=calc.inputs) | Q(created_at__gt=calc.computed_at),
            enterprise_id=calc.agreement.enterprise_id,
            year=calc.year,
            current=True,
        )
        .select_related("batch", "supersedes__batch")
        .order_by("pk")
    )
    if not later:
        return None
    used = set(calc.inputs)
    corrected = [row for row in later if row.supersedes_id in used]
    try:
        lines, total, _ = compute_preview(calc.agreement, calc.year)
    except calculation.MissingData as exc:
        return {"corrected": corrected, "error": exc.missing}
    before = {line["clause_id"]: line for line in calc.lines}
    diff = []
    for line in lines:
        old = before.pop(line["clause_id"], None)
        old_result = Decimal(old["result"]) if old else Decimal(0)
        if old_result != Decimal(line["result"]):
            diff.append({"clause": line["clause"], "old": old_result, "new": line["result"]})
    for old in before.values():
        diff.append({"clause": old["clause"], "old": old["result"], "new": Decimal(0)})
    return {
        "corrected": corrected,
        "lines": diff,
        "old_total": calc.total,
        "new_total": total,
        "delta": total - calc.total,
    }


def compute_year(
    *, year: int, agreement_ids: list[int] | None = None, actor: Any = None
) -> dict[int, Any]:
    """Every agreement's incentives of ``year`` in one pass (the worker's yearly run):
    clauses, commitments and data each read once. Returns {agreement id: total or the
    missing figures}; nothing is kept (``calculation_run`` keeps one)."""
    agreements = Agreement.objects.exclude(kind=Agreement.Kind.SUPPLEMENTARY)
    if agreement_ids is not None:
        agreements = agreements.filter(pk__in=agreement_ids)
    pairs = list(agreements.values_list("pk", "enterprise_id"))
    ids = [pk for pk, _ in pairs]
    all_clauses = _clauses(ids, year)
    all_commitments = _commitments(ids)
    rows = data_rows([e for _, e in pairs], year)
    out = {}
    for pk, enterprise_id in pairs:
        if not all_clauses.get(pk):
            continue
        try:
            _, total = calculation.compute(
                year,
                all_clauses[pk],
                all_commitments.get(pk, {}),
                calculation.Data(year, rows.get(enterprise_id, [])),
            )
            out[pk] = total
        except calculation.MissingData as exc:
            out[pk] = exc.missing
    return out


# --- Disbursement -----------------------------------------------------------------------
def _data_department(calc):
    """The unit that supplied the figures the calculation rests on (it confirms them);
    with no supplied figures (a fixed amount), the district's tax office."""
    unit_id = (
        OperatingData.objects.filter(pk__in=calc.inputs)
        .values_list("department_id", flat=True)
        .order_by("pk")
        .first()
    )
    if unit_id:
        return unit_id
    tax = Department.objects.filter(kind=Department.Kind.TAX, is_active=True).order_by("pk").first()
    if tax is None:
        raise ValidationError("系统中没有税务部门，无法提交数据确认。")
    return tax.pk


@transaction.atomic
def disbursement_submit(*, actor: Any, calculation_obj: Calculation) -> Disbursement:
    """The office submits a calculation: a new disbursement, or a returned one submitted
    again with this calculation. One disbursement per agreement and year."""
    from zhaoshang.notifications.services import notify

    calc = calculation_obj
    existing = (
        Disbursement.objects.select_for_update()
        .filter(agreement=calc.agreement, year=calc.year)
        .first()
    )
    values = {
        "calculation": calc,
        "computed_amount": calc.total,
        "data_department_id": _data_department(calc),
    }
    if existing is None:
        record = record_create(
            Disbursement,
            actor=actor,
            data={
                "agreement": calc.agreement,
                "year": calc.year,
                "created_by": actor,
                **values,
            },
            detail=f"提交{calc.year}年度奖励兑现：测算 {calc.total} 元",
        )
    elif existing.state == DisbursementState.RETURNED:
        Disbursement.objects.filter(pk=existing.pk).update(**values)
        existing.refresh_from_db()
        DISBURSEMENTS.move(existing, DisbursementState.COMPUTED, actor=actor, note="重新测算后提交")
        record = existing
    else:
        raise ValidationError(
            f"{calc.year}年度奖励已在兑现流程中（{existing.get_state_display()}），不能重复提交。"
        )
    notify(
        recipients=recipients_in_unit(record.data_department_id, permission=CONFIRM_OPERATING_DATA),
        title=f"待确认数据：{calc.agreement.enterprise.name}{calc.year}年度奖励测算",
        body="请核对测算所用经营数据，确认或退回。",
        url=f"/agreements/disbursements/{record.pk}/data/",
        kind="disbursement",
        actor=actor,
    )
    return record


# Who is told when a disbursement reaches a state (the next party's queue).
NEXT_PARTY: dict[str, tuple[str, str, str]] = {
    DisbursementState.CONFIRMED: ("office", RECORD_MEETING, "待常务会议审议"),
    DisbursementState.APPROVED: ("finance", ALLOCATE_INCENTIVE, "待财政拨付"),
    DisbursementState.ALLOCATED: ("responsible", PAY_INCENTIVE, "待向企业兑付"),
    DisbursementState.RETURNED: ("office", COMPUTE_INCENTIVE, "已退回，待重新测算"),
}


def _next_people(record, state):
    """The party whose step it now is: the responsible unit's payers, or every holder of
    the step's permission (the office's clerks, finance)."""
    who, perm, _ = NEXT_PARTY[state]
    if who == "responsible":
        return recipients_in_unit(record.agreement.department_id, permission=perm)
    return permission_holders(perm)


def disbursement_move(
    *,
    actor: Any,
    disbursement: Disbursement,
    to_state: str,
    note: str = "",
    values: dict | None = None,
    expected: str | None = None,
) -> Any:
    """Move a disbursement one step (workflow.py), telling the next party."""
    from zhaoshang.notifications.services import notify

    moved = DISBURSEMENTS.move(
        disbursement,
        to_state,
        actor=actor,
        note=note,
        expected=expected,
        prepare=disbursement_prepare(disbursement, values or {}),
    )
    if to_state in NEXT_PARTY:
        record = moved.record
        notify(
            recipients=_next_people(record, to_state),
            title=f"{NEXT_PARTY[to_state][2]}：{record.agreement.enterprise.name}"
            f"{record.year}年度奖励",
            body=note or moved.move.label,
            url=f"/agreements/disbursements/{record.pk}/",
            kind="disbursement",
            actor=actor,
        )
    return moved


# --- Clawback ---------------------------------------------------------------------------
def paid_by_clause(agreement: Agreement) -> dict[int, Any]:
    """{clause id: (paid yuan, years paid)} from the paid disbursements' calculations,
    each year's payment shared out over its lines in proportion to their results."""
    out: defaultdict[int, list[Any]] = defaultdict(lambda: [Decimal(0), []])
    for d in Disbursement.objects.filter(
        agreement=agreement, state=DisbursementState.PAID
    ).select_related("calculation"):
        total = d.calculation.total
        for line in d.calculation.lines:
            result = Decimal(line["result"])
            if not result or not total:
                continue
            share = calculation.fen((d.paid_amount or Decimal(0)) * result / total)
            out[line["clause_id"]][0] += share
            out[line["clause_id"]][1].append(d.year)
    return out


def clawback_lines(
    agreement: Agreement, *, today: dt.date | None = None
) -> tuple[list[dict], Decimal]:
    """What is owed back, clause by clause, from the failed commitments and the amounts
    paid: (lines, total). A clause recovers only on the failure it names."""
    from django.utils import timezone

    today = today or timezone.localdate()
    paid = paid_by_clause(agreement)
    stay = (
        Commitment.objects.filter(agreement=agreement, kind=Commitment.Kind.STAY_YEARS)
        .order_by("year")
        .values_list("amount", flat=True)
        .first()
    )
    floors = dict(
        Commitment.objects.filter(
            agreement=agreement, kind=Commitment.Kind.TAX_DISTRICT
        ).values_list("year", "amount")
    )
    actual = _tax_district_by_year(agreement, list(floors))
    lines = []
    for clause in (
        IncentiveClause.objects.filter(agreement=agreement).exclude(clawback="").order_by("pk")
    ):
        amount_paid, years = paid.get(clause.pk, (Decimal(0), []))
        if not amount_paid:
            continue
        share, why = _failure(clause, agreement, stay, floors, actual, years)
        if share is None:
            continue
        if clause.clawback_basis == IncentiveClause.ClawbackBasis.FULL:
            share = Decimal(1)
        due = calculation.fen(amount_paid * share)
        lines.append(
            {
                "clause_id": clause.pk,
                "clause": clause.title,
                "failure": why,
                "paid": str(amount_paid),
                "basis": clause.get_clawback_basis_display(),
                "share": calculation.pct(share.quantize(Decimal("0.0001"))),
                "due": str(due),
            }
        )
    total = sum((Decimal(line["due"]) for line in lines), Decimal(0))
    return lines, total


def _tax_district_by_year(agreement, years):
    out = {}
    for year in years:
        rows = data_rows([agreement.enterprise_id], year)[agreement.enterprise_id]
        figure = calculation.Data(year, rows).figure(calculation.Metric.TAX_DISTRICT)
        if not isinstance(figure, str):
            out[year] = figure.value
    return out


def _failure(clause, agreement, stay, floors, actual, years):
    """(share of the paid amount to recover, why) when the clause's failure happened."""
    if clause.clawback == IncentiveClause.Clawback.MOVES_OUT:
        if stay is None or agreement.moved_out_on is None:
            return None, ""
        stay_years = int(stay)
        try:
            end = agreement.signed_on.replace(year=agreement.signed_on.year + stay_years)
        except ValueError:  # signed on 29 February
            end = agreement.signed_on.replace(year=agreement.signed_on.year + stay_years, day=28)
        if agreement.moved_out_on >= end:
            return None, ""
        total_days = (end - agreement.signed_on).days
        left = (end - agreement.moved_out_on).days
        why = (
            f"承诺{stay_years}年内不迁出（至{end}），于{agreement.moved_out_on}迁出，"
            f"未履约 {left} 天 / {total_days} 天"
        )
        return Decimal(left) / Decimal(total_days), why
    if clause.clawback == IncentiveClause.Clawback.TAX_FLOOR:
        failed = [
            (y, floors[y], actual[y])
            for y in sorted(floors)
            if y in actual and actual[y] < floors[y] and (not years or y in years)
        ]
        if not failed:
            return None, ""
        promised = sum((f for _, f, _ in failed), Decimal(0))
        short = sum((f - a for _, f, a in failed), Decimal(0))
        why = "；".join(f"{y}年区级税收 {a} 元，低于承诺 {f} 元" for y, f, a in failed)
        return short / promised, why
    return None, ""


def clawback_create(
    *, actor: Any, agreement: Agreement, reason: str, today: dt.date | None = None
) -> Clawback:
    lines, total = clawback_lines(agreement, today=today)
    if not lines:
        raise ValidationError("按协议条款和已兑付金额，该协议目前没有应追回的奖励。")
    if (
        Clawback.objects.filter(agreement=agreement)
        .exclude(state__in=["recovered", "waived"])
        .exists()
    ):
        raise ValidationError("该协议已有办理中的追回，不能重复发起。")
    return record_create(
        Clawback,
        actor=actor,
        data={
            "agreement": agreement,
            "reason": reason,
            "lines": lines,
            "amount_due": total,
            "created_by": actor,
        },
        detail=f"发起奖励追回：应追回 {total} 元",
    )


def clawback_move(
    *,
    actor: Any,
    clawback: Clawback,
    to_state: str,
    note: str = "",
    values: dict | None = None,
    expected: str | None = None,
) -> Any:
    return CLAWBACKS.move(
        clawback,
        to_state,
        actor=actor,
        note=note,
        expected=expected,
        prepare=clawback_prepare(clawback, values or {}),
    )


# --- Warnings before a commitment's deadline --------------------------------------------
# Days before a deadline on which the responsible unit is told (once each).
WARN_AT = (30, 7, 1)


def commitment_deadlines_warn(*, today: dt.date) -> int:
    """Tell each responsible department of commitments due in 30, 7 or 1 days whose
    reported figure does not meet them yet (or that have none). Returns messages sent."""
    import datetime as dt

    from zhaoshang.notifications.services import notify

    from .queries import Fulfilment

    due = (
        Commitment.objects.filter(due_on__in=[today + dt.timedelta(days=d) for d in WARN_AT])
        .exclude(kind=Commitment.Kind.STAY_YEARS)
        .select_related("agreement__enterprise", "agreement__department")
        .order_by("due_on", "pk")
    )
    by_unit = defaultdict(list)
    for c in due:
        rows = data_rows([c.agreement.enterprise_id], c.year)[c.agreement.enterprise_id]
        figure = calculation.Data(c.year, rows).figure(calculation.Metric(c.kind))
        actual = None if isinstance(figure, str) else figure.value
        item = Fulfilment(c.agreement, c, actual, "")
        if actual is None or item.shortfall:
            by_unit[c.agreement.department_id].append(item)
    sent = 0
    for unit_id, items in by_unit.items():
        body = "\n".join(
            f"{i.agreement.enterprise.name}：{i.commitment.year}年{i.commitment.get_kind_display()}"
            f"承诺 {i.commitment.amount}，期限 {i.commitment.due_on}，"
            + (f"已报 {i.actual}" if i.actual is not None else "尚无报送数据")
            for i in items
        )
        sent += len(
            notify(
                recipients=recipients_in_unit(unit_id, permission=VIEW_AGREEMENT),
                title=f"承诺即将到期：{len(items)} 项尚未达到承诺值",
                body=body,
                url="/agreements/fulfilment/?shortfall=1",
                kind="commitment_deadline",
            )
        )
    return sent


def agreements_enterprise_merge(*, actor: Any, survivor: Any, duplicate: Any) -> dict[str, int]:
    """A merge of two library records of one company (enterprises.enterprise_merge): the
    duplicate's agreements and operating figures become the survivor's, each with its
    audit line. Figures of one period and source held by both are not chosen between
    silently: the merge is refused naming the periods, for the tax office to correct."""
    from zhaoshang.audit.models import AuditEvent
    from zhaoshang.audit.services import audit_record

    detail = f"企业合并：“{duplicate.name}”并入“{survivor.name}”"
    held = set(
        OperatingData.objects.current()
        .filter(enterprise=survivor)
        .values_list("year", "month", "source")
    )
    clash = sorted(
        {
            row.period_label
            for row in OperatingData.objects.current().filter(enterprise=duplicate)
            if (row.year, row.month, row.source) in held
        }
    )
    if clash:
        raise ValidationError(
            f"两家企业均有{'、'.join(clash)}的经营数据，请先由报送单位核对更正后再合并。"
        )
    counts = {}
    for model in (Agreement, OperatingData):
        moved = 0
        for row in model.objects.filter(enterprise=duplicate).order_by("pk"):
            model.objects.filter(pk=row.pk).update(enterprise=survivor)
            audit_record(
                AuditEvent.Action.UPDATE,
                actor=actor,
                obj=row,
                changes={"enterprise": [duplicate.name, survivor.name]},
                detail=detail,
            )
            moved += 1
        counts[str(model._meta.verbose_name)] = moved
    return counts
