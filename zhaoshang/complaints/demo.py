"""Demo complaints: one waiting to be accepted, one under investigation with a task given
to 区科技局 (whose clerk sees the brief, never the complainant), one closed and written up
as a published typical case. Idempotent."""

import datetime as dt

from django.utils import timezone

from zhaoshang.org.models import User

from . import services
from .models import Complaint


def load_demo_complaints(*, departments):
    if Complaint.objects.exists():
        return
    jiwei = User.objects.get(username="jiwei")
    today = timezone.localdate()
    services.complaint_submit(
        actor=None,
        complainant_name="周先生",
        contact="13800000001",
        enterprise_name="天津某餐饮管理有限公司",
        content="门店装修消防验收多次往返，每次提出新的整改要求。",
        source="portal",
        today=today - dt.timedelta(days=1),
    )
    second = services.complaint_submit(
        actor=jiwei,
        complainant_name="钱女士",
        contact="13800000002",
        enterprise_name="天津河西数智科技有限公司",
        content="申报科技型企业补贴时，经办人员要求提供与政策无关的材料，拖延三个月未受理。",
        source="phone",
        today=today - dt.timedelta(days=10),
    )
    services.complaint_accept(actor=jiwei, complaint=second, today=today - dt.timedelta(days=9))
    second.refresh_from_db()
    services.complaint_assign(
        actor=jiwei,
        complaint=second,
        department=departments["区科技局"],
        brief="请核查今年科技型企业补贴申报的受理情况：是否存在要求提供政策规定以外材料、超期未受理的情形，并报送受理台账。",
        today=today - dt.timedelta(days=9),
    )
    third = services.complaint_submit(
        actor=jiwei,
        complainant_name="孙先生",
        contact="13800000003",
        enterprise_name="天津越秀医疗器械有限公司",
        content="厂房租赁合同备案被要求重复提交同一材料。",
        source="letter",
        today=today - dt.timedelta(days=60),
    )
    services.complaint_accept(actor=jiwei, complaint=third, today=today - dt.timedelta(days=59))
    third.refresh_from_db()
    services.complaint_conclude(
        actor=jiwei,
        complaint=third,
        result="经核查属实，已责成相关单位一次性告知所需材料，对经办人员批评教育。",
        today=today - dt.timedelta(days=50),
    )
    third.refresh_from_db()
    services.complaint_rate(
        actor=jiwei,
        complaint=third,
        rating=Complaint.Rating.SATISFIED,
        today=today - dt.timedelta(days=48),
    )
    third.refresh_from_db()
    case = services.typical_case_save(
        actor=jiwei,
        complaint=third,
        title="某企业合同备案被要求重复提交材料",
        summary="某医疗器械企业反映，办理厂房租赁合同备案时被要求重复提交同一材料。",
        handling="经核查属实，责成相关单位实行一次性告知，对经办人员批评教育。",
    )
    services.typical_case_publish(actor=jiwei, case=case, today=today - dt.timedelta(days=45))
    # The demo's messages are of past events: read already, so every inbox starts empty.
    from zhaoshang.notifications.models import Notification

    Notification.objects.filter(
        kind__in=["complaint_received", "complaint_task", "complaint_task_reported"],
        read_at__isnull=True,
    ).update(read_at=timezone.now())
