"""Importing operating data (经营数据): the tax office's monthly .xlsx as it already makes
it, the statistics office's output, or an enterprise's own report.

Upload → column mapping (the headers offices write are recognised) → dry run in the worker
listing every rejected row with its row, column and reason → commit in the worker, all or
nothing. Rows are keyed by credit code and period (所属期). Running a file again changes
nothing; a corrected file (another figure for an enterprise and period already imported)
adds a row that supersedes the earlier one, which is kept: past calculations still show
what they used, and the calculation page shows what the correction would change.

The dry run keeps the rows it checked (stamped with the file and the mapping), so the
commit does not read the file again; the new rows go in with ``common.bulk.insert_rows``
(COPY on PostgreSQL) and the superseded rows are closed with one UPDATE per thousand; each row carries its file and row number and the
import carries who and when, and the import writes one audit line with its counts."""

import datetime as dt
import json
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_record
from zhaoshang.common.bulk import insert_rows
from zhaoshang.common.imports import job_path, read_table, store_job
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.services import clean_credit_code

from .models import OperatingData, OperatingDataImport

# key -> (label, aliases, required)
COLUMNS = {
    "credit_code": ("统一社会信用代码", ("信用代码", "社会信用代码", "纳税人识别号"), True),
    "enterprise": ("企业名称", ("纳税人名称", "单位名称"), False),
    "period": ("所属期", ("税款所属期", "所属期间", "期间", "月份", "统计期"), True),
    "tax_total": ("全口径税收", ("税收合计", "全口径税收收入", "入库税收"), False),
    "tax_district": ("区级留成", ("区级留成税收", "区级财力", "区级财力贡献", "区级收入"), False),
    "revenue": ("营业收入", ("销售收入", "主营业务收入"), False),
    "employees": ("从业人数", ("职工人数", "就业人数"), False),
    "output": ("产值", ("工业总产值", "总产值"), False),
    "fixed_asset_investment": ("固定资产投资", ("固投",), False),
    "paid_in_capital": ("实缴注册资本", ("实缴资本", "注册资本实缴"), False),
    "equipment_invoiced": ("设备投资发票金额", ("设备投资", "设备发票金额"), False),
    "floor_area": ("使用面积", ("租用面积", "面积"), False),
}
FIGURES = [k for k in COLUMNS if k not in ("credit_code", "enterprise", "period")]
# The tax office writes the unit in the header: "区级留成（元）", "从业人数（人）". The shared
# header rule keeps units other than 万元 as part of the name, so each is an alias here.
_UNITS = {"employees": "人", "floor_area": "平方米"}
for _key in FIGURES:
    _label, _aliases, _required = COLUMNS[_key]
    _unit = _UNITS.get(_key, "元")
    COLUMNS[_key] = (
        _label,
        (*_aliases, *(f"{n}（{_unit}）" for n in (_label, *_aliases))),
        _required,
    )
BATCH = 1000


def store(upload, *, user, source):
    """Keep the upload, count its rows and guess the mapping (``common.imports``)."""
    job = OperatingDataImport(
        file_name=upload.name[:200],
        token=secrets.token_hex(16),
        source=source,
        department=user.department,
        created_by=user,
    )
    return store_job(upload, job, COLUMNS)


# --- Parsing ---------------------------------------------------------------------------
PERIOD = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))?\s*(?:年度|年)?$")


def parse_period(raw, today):
    """(year, month) with month 0 for a whole year: 2026-03, 2026年3月, 202603, 2026/3,
    2026年, an Excel date. A period not yet ended is refused."""
    if isinstance(raw, dt.datetime | dt.date):
        year, month = raw.year, raw.month
    else:
        text = str(raw).strip()
        if isinstance(raw, int | float) and float(raw).is_integer():
            text = str(int(raw))
        m = PERIOD.match(text)
        if not m:
            raise ValueError(f"所属期“{raw}”无法识别，应写作 2026-03、2026年3月 或 2026年（全年）")
        year = int(m.group(1))
        month = int(m.group(2) or m.group(3) or 0)
        if not 0 <= month <= 12:
            raise ValueError(f"所属期“{raw}”的月份应在 1 到 12 之间")
    if year < 2000:
        raise ValueError(f"所属期“{raw}”的年份不正确")
    if month and (year, month) >= (today.year, today.month):
        raise ValueError(
            f"所属期“{raw}”尚未结束（今天是{today.year}年{today.month}月{today.day}日），不能报送"
        )
    if not month and year >= today.year:
        raise ValueError(f"所属期“{raw}”为全年数据，须在该年度结束后报送")
    return year, month


def parse_amount(raw, label):
    if isinstance(raw, bool):
        raise ValueError(f"“{label}”应为数字，现为“{raw}”")
    text = str(raw).replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"“{label}”应为数字，现为“{raw}”") from exc
    if not value.is_finite():
        raise ValueError(f"“{label}”应为数字，现为“{raw}”")
    if value < 0:
        raise ValueError(f"“{label}”不能为负数，现为 {value}")
    return value.quantize(Decimal("0.01"))


def parse_count(raw, label):
    value = parse_amount(raw, label)
    if value != value.to_integral_value():
        raise ValueError(f"“{label}”应为整数，现为 {raw}")
    return int(value)


def _rows(job, today):
    """(row number, cleaned dict, errors) for every data row of the file."""
    _, body, _ = read_table(job_path(job))
    mapping = {int(i): k for i, k in job.mapping.items()}
    for number, values in body:
        cleaned, errors = {}, []
        for index, key in mapping.items():
            label = COLUMNS[key][0]
            raw = values[index] if index < len(values) else None
            if isinstance(raw, str):
                raw = raw.strip()
            if raw in (None, ""):
                if COLUMNS[key][2]:
                    errors.append([number, label, f"“{label}”不能为空"])
                continue
            try:
                if key == "credit_code":
                    try:
                        cleaned[key] = clean_credit_code(raw)
                    except ValidationError as exc:
                        raise ValueError(exc.messages[0]) from exc
                elif key == "period":
                    cleaned[key] = parse_period(raw, today)
                elif key == "employees":
                    cleaned[key] = parse_count(raw, label)
                elif key == "enterprise":
                    cleaned[key] = str(raw)
                else:
                    cleaned[key] = parse_amount(raw, label)
            except ValueError as exc:
                errors.append([number, label, str(exc)])
        if not errors and not any(k in cleaned for k in FIGURES):
            errors.append([number, "", "该行没有任何经营数据"])
        yield number, cleaned, errors


def _parse(job, today):
    """Read and check every row of the file: (errors, [(row, enterprise id, year, month,
    figures)]). Rejects what a row says wrong by itself, duplicates within the file and
    credit codes the library does not hold."""
    mapped = set(job.mapping.values())
    missing = [COLUMNS[k][0] for k, v in COLUMNS.items() if v[2] and k not in mapped]
    if missing:
        return [[1, m, f"文件中没有“{m}”列（或未对应）"] for m in missing], []
    if not mapped & set(FIGURES):
        return [[1, "", "未对应任何经营数据列（全口径税收、区级留成等）"]], []
    errors, parsed, seen = [], [], {}
    for number, row, row_errors in _rows(job, today):
        if row_errors:
            errors.extend(row_errors)
            continue
        key = (row["credit_code"], row["period"])
        if key in seen:
            label = COLUMNS["period"][0]
            errors.append(
                [
                    number,
                    label,
                    f"与第 {seen[key]} 行是同一企业、同一所属期的数据，请合并或删除一行",
                ]
            )
            continue
        seen[key] = number
        parsed.append((number, row))
    codes = sorted({row["credit_code"] for _, row in parsed})
    enterprises = {}
    for start in range(0, len(codes), BATCH):
        enterprises.update(
            Enterprise.objects.filter(credit_code__in=codes[start : start + BATCH]).values_list(
                "credit_code", "pk"
            )
        )
    out = []
    for number, row in parsed:
        enterprise_id = enterprises.get(row["credit_code"])
        if enterprise_id is None:
            errors.append(
                [
                    number,
                    COLUMNS["credit_code"][0],
                    f"统一社会信用代码“{row['credit_code']}”不在企业库中，请核对或先在企业库登记该企业",
                ]
            )
            continue
        year, month = row["period"]
        out.append((number, enterprise_id, year, month, {k: row[k] for k in FIGURES if k in row}))
    return sorted(errors, key=lambda e: e[0]), out


def _against_current(job, parsed):
    """Each checked row against the data as it stands now: (new rows, ids they
    supersede, unchanged count). A row equal to the current one changes nothing; one that
    differs supersedes it, keeping the figures the file leaves out."""
    existing = _current(job.source, [(r[1], r[2], r[3]) for r in parsed])
    new_rows, superseded, same = [], [], 0
    for number, enterprise_id, year, month, figures in parsed:
        old = existing.get((enterprise_id, year, month))
        if old is not None:
            merged = {k: old[k] for k in FIGURES} | figures
            if all(_equal(merged[k], old[k]) for k in FIGURES):
                same += 1
                continue
            superseded.append(old["id"])
            figures = merged
        new_rows.append(
            {
                "enterprise_id": enterprise_id,
                "year": year,
                "month": month,
                "row_number": number,
                "supersedes_id": old["id"] if old else None,
                **figures,
            }
        )
    return new_rows, superseded, same


def plan(job, today=None):
    """Every row's action against the data as it stands, or the rejected rows; nothing
    is written. Returns (errors, new rows, ids of rows they supersede, unchanged count)."""
    errors, parsed = _parse(job, today or timezone.localdate())
    if errors:
        return errors, [], [], 0
    return [], *_against_current(job, parsed)


# --- The dry run's checked rows, kept for the commit -----------------------------------
# The commit applies what the dry run checked instead of reading the file again, when the
# file and the mapping are those the dry run saw and every enterprise is still there;
# otherwise it reads and checks the file again.
def _checked_path(job):
    return job_path(job).with_suffix(".checked.json")


def _stamp(job):
    stat = job_path(job).stat()
    return {"size": stat.st_size, "mtime": stat.st_mtime_ns, "mapping": job.mapping}


def _keep_checked(job, parsed):
    rows = [[n, e, y, m, {k: str(v) for k, v in f.items()}] for n, e, y, m, f in parsed]
    _checked_path(job).write_text(json.dumps({"stamp": _stamp(job), "rows": rows}))


def _load_checked(job):
    path = _checked_path(job)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    if data["stamp"] != json.loads(json.dumps(_stamp(job))):
        return None
    parsed = [
        (n, e, y, m, {k: (int(v) if k == "employees" else Decimal(v)) for k, v in f.items()})
        for n, e, y, m, f in data["rows"]
    ]
    ids = {r[1] for r in parsed}
    found = 0
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        found += Enterprise.objects.filter(pk__in=ordered[start : start + BATCH]).count()
    return parsed if found == len(ids) else None


def _equal(a, b):
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


def _current(source, keys):
    """The current rows from this source of these (enterprise, year, month) keys, by key.

    Only the periods the file holds are read: an enterprise with years of monthly
    figures (a hundred rows each for ten thousand enterprises) is not read whole to
    check one month. The years and months narrow the read through the unique index
    (enterprise, year, month, source); the exact keys are picked here."""
    keys = set(keys)
    ids = sorted({k[0] for k in keys})
    years = sorted({k[1] for k in keys})
    months = sorted({k[2] for k in keys})
    out = {}
    for start in range(0, len(ids), BATCH):
        for row in (
            OperatingData.objects.current()
            .filter(
                source=source,
                enterprise_id__in=ids[start : start + BATCH],
                year__in=years,
                month__in=months,
            )
            .values("id", "enterprise_id", "year", "month", *FIGURES)
        ):
            key = (row["enterprise_id"], row["year"], row["month"])
            if key in keys:
                out[key] = row
    return out


def check(job, today=None):
    errors, parsed = _parse(job, today or timezone.localdate())
    summary = {"new": 0, "corrected": 0, "same": 0}
    if not errors:
        new_rows, superseded, same = _against_current(job, parsed)
        summary = {
            "new": len(new_rows) - len(superseded),
            "corrected": len(superseded),
            "same": same,
        }
        _keep_checked(job, parsed)
    OperatingDataImport.objects.filter(pk=job.pk).update(
        state=OperatingDataImport.State.CHECKED,
        errors=errors,
        summary=summary,
    )
    return errors, summary


@transaction.atomic
def commit(job, *, actor, today=None):
    """Apply every checked row, or nothing when any row is rejected. Rows equal to the
    current ones change nothing, so a second run of the same file adds nothing."""
    parsed = _load_checked(job)
    if parsed is None:
        errors, parsed = _parse(job, today or timezone.localdate())
        if errors:
            OperatingDataImport.objects.filter(pk=job.pk).update(
                state=OperatingDataImport.State.CHECKED, errors=errors
            )
            return None
    new_rows, superseded, same = _against_current(job, parsed)
    # Close the corrected rows first: the new rows take their place as the current ones.
    for start in range(0, len(superseded), BATCH):
        OperatingData.objects.filter(pk__in=superseded[start : start + BATCH]).update(current=False)
    common = {"source": job.source, "batch_id": job.pk, "department_id": job.department_id}
    insert_rows(OperatingData, ({**common, **row} for row in new_rows), count=len(new_rows))
    result = {
        "新增": len(new_rows) - len(superseded),
        "更正（原数据保留为历史）": len(superseded),
        "未变化": same,
    }
    audit_record(
        AuditEvent.Action.IMPORT,
        actor=actor,
        object_type="agreements.operatingdata",
        detail=f"经营数据导入“{job.file_name}”（{job.get_source_display()}）："
        + "，".join(f"{k} {v} 行" for k, v in result.items()),
    )
    OperatingDataImport.objects.filter(pk=job.pk).update(
        state=OperatingDataImport.State.DONE,
        errors=[],
        summary={**(job.summary or {}), "result": result},
        finished_at=timezone.now(),
    )
    _checked_path(job).unlink(missing_ok=True)
    return result
