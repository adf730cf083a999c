"""Demo agreements: two signed projects with commitments and incentive clauses, a year of
the tax office's figures (as an imported file would leave them), one year's incentive
paid through every step, and one waiting for the tax office to confirm its data.

Idempotent: an agreement already there is left alone. Every write goes through the
services, as a clerk's would."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhaoshang.org.models import Department, User
from zhaoshang.org.roles import PAY_INCENTIVE
from zhaoshang.pipeline.models import SIGNED_STAGES, Project

from . import services
from .models import (
    Agreement,
    Commitment,
    DataSource,
    DisbursementState,
    IncentiveClause,
    OperatingData,
    OperatingDataImport,
)

K = IncentiveClause.Kind
C = Commitment.Kind

# project name, agreement number suffix, yearly district-retained tax (yuan), pay it
DEMO = [
    ("河西数智城市大脑研发中心", "001", Decimal("4860000.00"), True),
    ("华为天津鲲鹏生态创新中心", "002", Decimal("12650000.00"), False),
]
# How the district-retained tax of a year spreads over its months (sums to 1).
MONTHS = [
    Decimal(x) for x in ("0.06 0.07 0.08 0.08 0.09 0.08 0.08 0.09 0.09 0.08 0.09 0.11").split()
]


def _user(username):
    return User.objects.filter(username=username).first()


def load_demo_agreements(*, departments):
    office, tax, finance = _user("zhaoshangban"), _user("shuiwu"), _user("caizheng")
    if office is None or tax is None:
        return
    year = timezone.localdate().year - 1
    tax_unit = Department.objects.filter(kind=Department.Kind.TAX).order_by("pk").first()
    for name, suffix, tax_district, pay in DEMO:
        project = (
            Project.objects.filter(name=name, stage__in=SIGNED_STAGES)
            .select_related("enterprise")
            .first()
        )
        if project is None or not project.enterprise.credit_code:
            continue
        number = f"津河西招商〔{project.signed_on.year}〕{suffix}号"
        if Agreement.objects.filter(number=number).exists():
            continue
        signed = project.signed_on
        start_year = min(signed.year, year)
        agreement = services.agreement_create(
            actor=office,
            data={
                "kind": Agreement.Kind.INVESTMENT,
                "number": number,
                "title": f"{name}投资协议",
                "project": project,
                "parties": f"天津市河西区人民政府；{project.enterprise.name}",
                "signed_on": signed,
                "term_start": dt.date(start_year, 1, 1),
                "term_end": dt.date(start_year + 4, 12, 31),
            },
        )
        floor = (tax_district * Decimal("0.8")).quantize(Decimal("10000"))
        for y in range(start_year, start_year + 5):
            services.commitment_set(
                actor=office,
                agreement=agreement,
                kind=C.TAX_DISTRICT,
                year=y,
                amount=floor,
                due_on=dt.date(y, 12, 31),
            )
            services.commitment_set(
                actor=office, agreement=agreement, kind=C.EMPLOYEES, year=y, amount=Decimal(150)
            )
        services.commitment_set(
            actor=office, agreement=agreement, kind=C.STAY_YEARS, year=start_year, amount=10
        )
        services.clause_create(
            actor=office,
            agreement=agreement,
            data={
                "kind": K.TAX_SHARE,
                "title": "第六条 区级财力贡献奖励",
                "first_year": start_year,
                "last_year": start_year + 4,
                "params": {
                    "rates": [
                        [start_year, start_year + 2, "1"],
                        [start_year + 3, start_year + 4, "0.5"],
                    ]
                },
                "cap": Decimal("5000000.00"),
                "condition_metric": "tax_district",
                "condition_min": None,
                "policy_article": "《河西区关于推动高质量发展的若干措施》第三条",
                "clawback": IncentiveClause.Clawback.MOVES_OUT,
                "clawback_basis": IncentiveClause.ClawbackBasis.PRO_RATA,
            },
        )
        services.clause_create(
            actor=office,
            agreement=agreement,
            data={
                "kind": K.RENT_SUBSIDY,
                "title": "第七条 办公用房租金补贴",
                "first_year": start_year,
                "last_year": start_year + 1,
                "params": {
                    "per_m2_day": "1.5",
                    "area": "1200",
                    "start": f"{start_year}-01-01",
                    "end": f"{start_year + 1}-12-31",
                },
                "cap": Decimal("600000.00"),
                "condition_metric": "",
                "condition_min": None,
                "policy_article": "《河西区关于推动高质量发展的若干措施》第五条",
                "clawback": IncentiveClause.Clawback.MOVES_OUT,
                "clawback_basis": IncentiveClause.ClawbackBasis.FULL,
            },
        )
        _tax_rows(project.enterprise, year, tax_district, tax, tax_unit)
        calc = services.calculation_run(actor=office, agreement=agreement, year=year)
        record = services.disbursement_submit(actor=office, calculation_obj=calc)
        if pay and finance is not None:
            _pay(record, agreement, tax, office, finance)


def _tax_rows(enterprise, year, tax_district, tax_user, tax_unit):
    """A year of monthly figures as the tax office's file would leave them."""
    file_name = f"{year}年度重点企业税收数据.xlsx"
    job = OperatingDataImport.objects.filter(file_name=file_name, source=DataSource.TAX).first()
    if job is None:
        job = OperatingDataImport.objects.create(
            state=OperatingDataImport.State.DONE,
            source=DataSource.TAX,
            file_name=file_name,
            token=f"demo{year}".ljust(32, "0"),
            department=tax_unit,
            created_by=tax_user,
            finished_at=timezone.now(),
        )
    first_row = OperatingData.objects.filter(batch=job).count() + 2
    for month, share in enumerate(MONTHS, start=1):
        district = (tax_district * share).quantize(Decimal("0.01"))
        OperatingData.objects.get_or_create(
            enterprise=enterprise,
            year=year,
            month=month,
            source=DataSource.TAX,
            current=True,
            defaults={
                "tax_total": district * 4,
                "tax_district": district,
                "revenue": district * 40,
                "employees": 180 + month,
                "batch": job,
                "row_number": first_row + month - 1,
                "department": tax_unit,
            },
        )


def _pay(record, agreement, tax, office, finance):
    payer = (
        User.objects.filter(department=agreement.department, is_active=True).order_by("pk").first()
    )
    services.disbursement_move(actor=tax, disbursement=record, to_state=DisbursementState.CONFIRMED)
    record.refresh_from_db()
    year = record.year
    services.disbursement_move(
        actor=office,
        disbursement=record,
        to_state=DisbursementState.APPROVED,
        values={
            "meeting": f"区政府{year + 1}年第3次常务会议",
            "meeting_on": dt.date(year + 1, 3, 12),
            "minutes": "同意按测算金额兑现。",
            "approved_amount": record.computed_amount,
        },
    )
    record.refresh_from_db()
    services.disbursement_move(
        actor=finance,
        disbursement=record,
        to_state=DisbursementState.ALLOCATED,
        values={
            "allocated_amount": record.approved_amount,
            "allocated_on": dt.date(year + 1, 4, 8),
            "allocation_voucher": f"河财拨〔{year + 1}〕0412号",
        },
    )
    record.refresh_from_db()
    if payer is not None and payer.has_perm(PAY_INCENTIVE):
        services.disbursement_move(
            actor=payer,
            disbursement=record,
            to_state=DisbursementState.PAID,
            values={
                "paid_amount": record.allocated_amount,
                "paid_on": dt.date(year + 1, 4, 20),
                "payment_voucher": f"科付〔{year + 1}〕027号",
            },
        )
