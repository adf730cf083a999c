"""Importing a department's existing project ledger (项目台账) from .xlsx or CSV.

Upload → column mapping (Chinese headers recognised) → dry run in the worker listing
every rejected row with its row, column and reason → commit, all or nothing. The
enterprise of a row is matched through the library's duplicate control (credit code,
then normalised name); a project is matched on enterprise + project name, so running the
same file again changes nothing. New projects start at the stage the ledger gives (one
StageChange row, as project_create writes); a project already in the system keeps its
stage — moves go through the workflow, not through a spreadsheet.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common import imports
from zhaoshang.common.imports import read_table
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.parsing import exact_name, parse_amount, parse_date
from zhaoshang.enterprises.queries import with_same_name
from zhaoshang.enterprises.services import clean_credit_code, enterprise_create
from zhaoshang.org.models import Department
from zhaoshang.reference.models import KeyIndustry

from ..models import SIGNED_STAGES, LedgerEntry, Method, Project, ProjectImport, Stage
from . import services

# key -> (label, aliases, required)
COLUMNS = {
    "name": ("项目名称", ("项目", "项目名"), True),
    "enterprise": ("企业名称", ("投资企业", "投资方", "投资主体", "签约企业"), True),
    "credit_code": ("统一社会信用代码", ("信用代码", "社会信用代码"), False),
    "agreed_investment": ("协议投资额", ("协议投资", "签约投资额", "协议总投资"), False),
    "estimated_investment": ("预计投资额", ("计划投资额", "意向投资额", "总投资"), False),
    "signed_on": ("签约日期", ("签约时间",), False),
    "agreement_no": ("协议编号", ("合同编号",), False),
    "stage": ("当前阶段", ("项目阶段", "阶段", "推进阶段", "项目状态"), False),
    "department": ("责任单位", ("牵头单位", "负责单位", "承办单位"), False),
    "key_industry": ("重点产业", ("产业类别", "所属产业"), False),
    "method": ("招商方式", ("引进方式",), False),
    "progress": ("最新进展", ("推进情况", "进展情况", "工作进展"), False),
    "progress_on": ("进展日期", ("台账日期", "更新日期"), False),
    "next_step": ("下一步工作", ("下步计划", "下一步计划"), False),
}

# The words offices use for the stages.
STAGE_WORDS = {
    "线索": Stage.LEAD,
    "在谈": Stage.NEGOTIATING,
    "洽谈": Stage.NEGOTIATING,
    "在洽谈": Stage.NEGOTIATING,
    "签约": Stage.SIGNED,
    "已签约": Stage.SIGNED,
    "落地": Stage.LANDED,
    "注册": Stage.LANDED,
    "已注册": Stage.LANDED,
    "落地注册": Stage.LANDED,
    "开工": Stage.CONSTRUCTION,
    "在建": Stage.CONSTRUCTION,
    "已开工": Stage.CONSTRUCTION,
    "投产": Stage.OPERATING,
    "运营": Stage.OPERATING,
    "投产运营": Stage.OPERATING,
    "已投产": Stage.OPERATING,
    "搁置": Stage.ON_HOLD,
    "暂缓": Stage.ON_HOLD,
    "终止": Stage.DROPPED,
}
METHOD_WORDS = {label: value for value, label in Method.choices}


def guess_mapping(headers):
    return imports.guess_mapping(COLUMNS, headers)


_path = imports.job_path


def store(upload, *, user):
    job = ProjectImport(
        file_name=upload.name[:200],
        token=secrets.token_hex(16),
        department=user.department,
        created_by=user,
    )
    return imports.store_job(upload, job, COLUMNS)


# --- Parsing and planning ------------------------------------------------------------------
def _amount(raw):
    # Ledgers usually keep amounts in 万元 without a unit; "1.2亿元" is read as written.
    amount, currency = parse_amount(raw, default_multiplier=10_000)
    if currency != "CNY":
        raise ValueError("项目台账中的投资额请按人民币填写")
    return amount


def _date(raw):
    value = parse_date(raw)
    if value and value > timezone.localdate():
        raise ValueError(f"日期“{raw}”晚于今天")
    return value


def _text(raw):
    return str(raw).strip()


class Lookups:
    def __init__(self, user):
        self.user = user
        self.units = {}
        for d in Department.objects.filter(is_active=True):
            self.units[d.name] = d
            if d.short_name:
                self.units.setdefault(d.short_name, d)
        scope = Department.objects.for_user(user).values_list("pk", flat=True)
        self.in_scope = set(scope)
        self.keys = {k.name: k for k in KeyIndustry.objects.all()}


def _parse(key, raw, lookups):
    if key in ("agreed_investment", "estimated_investment"):
        return _amount(raw)
    if key in ("signed_on", "progress_on"):
        return _date(raw)
    if key == "credit_code":
        try:
            return clean_credit_code(raw)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from exc
    text = _text(raw)
    if key == "stage":
        if text not in STAGE_WORDS:
            raise ValueError(
                f"阶段“{text}”无法识别，应为 线索、洽谈、签约、落地、开工、投产运营、搁置 或 终止"
            )
        return STAGE_WORDS[text]
    if key == "department":
        unit = lookups.units.get(text)
        if unit is None:
            raise ValueError(f"没有名为“{text}”的单位")
        if unit.pk not in lookups.in_scope:
            raise ValueError(f"“{text}”不在您的数据范围内，不能为其导入项目")
        return unit
    if key == "key_industry":
        if text not in lookups.keys:
            raise ValueError(f"重点产业“{text}”不在重点产业目录中")
        return lookups.keys[text]
    if key == "method":
        if text not in METHOD_WORDS:
            raise ValueError(f"招商方式“{text}”无法识别，应为 {'、'.join(METHOD_WORDS)} 之一")
        return METHOD_WORDS[text]
    return text


def _rows(job, lookups):
    """(row number, cleaned dict, errors) for every data row."""
    _, body, _ = read_table(_path(job))
    columns = [(int(i), k, COLUMNS[k][0], COLUMNS[k][2]) for i, k in job.mapping.items()]
    for number, values in body:
        cleaned, errors = imports.parse_cells(
            values, columns, lambda key, raw: _parse(key, raw, lookups)
        )
        yield number, cleaned, [[number, label, message] for label, message in errors]


def _match_enterprise(row):
    """The library's duplicate control: the credit code, then the normalised name."""
    code = row.get("credit_code")
    if code:
        found = Enterprise.objects.filter(credit_code=code).first()
        if found:
            return found
    live = Enterprise.objects.live()
    return live.filter(name=row["enterprise"]).order_by("pk").first() or with_same_name(
        live, row["enterprise"]
    )


def plan(job, user):
    """Every row's action (create / update / same) or its errors; nothing is written."""
    lookups = Lookups(user)
    errors, actions, seen = [], [], {}
    for number, row, row_errors in _rows(job, lookups):
        if row_errors:
            errors.extend(row_errors)
            continue
        stage = row.get("stage", Stage.LEAD)
        if stage in SIGNED_STAGES:
            if not row.get("signed_on"):
                errors.append([number, "签约日期", f"阶段为“{stage.label}”的项目须填写签约日期"])
            if row.get("agreed_investment") is None:
                errors.append(
                    [number, "协议投资额", f"阶段为“{stage.label}”的项目须填写协议投资额"]
                )
        if row.get("progress") and not row.get("progress_on"):
            errors.append([number, "进展日期", "填写了最新进展，须同时填写进展日期"])
        key = (exact_name(row["enterprise"]), row["name"])
        if key in seen:
            errors.append([number, "项目名称", f"与第 {seen[key]} 行是同一企业的同名项目"])
            continue
        seen[key] = number
        enterprise = _match_enterprise(row)
        project = (
            Project.objects.filter(enterprise=enterprise, name=row["name"]).first()
            if enterprise
            else None
        )
        if (
            project is not None
            and not Project.objects.for_user(user).filter(pk=project.pk).exists()
        ):
            errors.append([number, "项目名称", "该项目已由其他单位登记，您无权修改"])
            continue
        actions.append((number, row, enterprise, project))
    return errors, actions


EDITABLE = ("estimated_investment", "key_industry", "method")


def _changes(project, row):
    out = {}
    for key in EDITABLE:
        if key in row and getattr(project, key) != row[key]:
            out[key] = row[key]
    return out


def _new_ledger(project, row):
    if not row.get("progress"):
        return False
    return not LedgerEntry.objects.filter(
        project=project, occurred_on=row["progress_on"], content=row["progress"]
    ).exists()


def check(job):
    user = job.created_by
    errors, actions = plan(job, user)
    summary = {"create": 0, "update": 0, "same": 0, "new_enterprises": 0, "ledger": 0}
    for _, row, enterprise, project in actions:
        if enterprise is None:
            summary["new_enterprises"] += 1
        if project is None:
            summary["create"] += 1
        elif _changes(project, row):
            summary["update"] += 1
        else:
            summary["same"] += 1
        if project is None and row.get("progress") or project and _new_ledger(project, row):
            summary["ledger"] += 1
    ProjectImport.objects.filter(pk=job.pk).update(
        state=ProjectImport.State.CHECKED, errors=errors, summary=summary
    )


@transaction.atomic
def commit(job, *, actor):
    """Re-plan from the file and apply every row, or nothing when any row is rejected."""
    errors, actions = plan(job, actor)
    if errors:
        ProjectImport.objects.filter(pk=job.pk).update(
            state=ProjectImport.State.CHECKED, errors=errors
        )
        return None
    result = {"新增项目": 0, "更新项目": 0, "未变化": 0, "新增企业": 0, "新增台账": 0}
    for _, row, enterprise, project in actions:
        if enterprise is None:
            enterprise = enterprise_create(
                actor=actor,
                data={"name": row["enterprise"], "credit_code": row.get("credit_code")},
                confirm_duplicates=True,
            )
            result["新增企业"] += 1
        if project is None:
            stage = row.get("stage", Stage.LEAD)
            data = {
                "name": row["name"],
                "enterprise": enterprise,
                **{k: row[k] for k in (*EDITABLE, "agreed_investment") if k in row},
            }
            if stage in SIGNED_STAGES:
                data |= {"signed_on": row["signed_on"], "agreement_no": row.get("agreement_no", "")}
            if stage in (Stage.ON_HOLD, Stage.DROPPED):
                data["dropped_reason"] = "台账导入时已为该状态"
            project = services.project_create(
                actor=actor,
                data=data,
                department=row.get("department") or actor.department,
                stage=stage,
                occurred_on=row.get("signed_on") or row.get("progress_on") or timezone.localdate(),
            )
            result["新增项目"] += 1
        elif changes := _changes(project, row):
            services.project_update(
                actor=actor, project=project, data=changes, version=project.version
            )
            result["更新项目"] += 1
        else:
            result["未变化"] += 1
        if _new_ledger(project, row):
            services.ledger_entry_add(
                actor=actor,
                project=project,
                occurred_on=row["progress_on"],
                content=row["progress"],
                next_step=row.get("next_step", ""),
            )
            result["新增台账"] += 1
    audit_record(
        AuditEvent.Action.IMPORT,
        actor=actor,
        object_type="pipeline.project",
        detail=f"项目台账导入“{job.file_name}”："
        + "，".join(f"{k} {v}" for k, v in result.items()),
    )
    ProjectImport.objects.filter(pk=job.pk).update(
        state=ProjectImport.State.DONE,
        errors=[],
        summary={**job.summary, "result": result},
        finished_at=timezone.now(),
    )
    return result
