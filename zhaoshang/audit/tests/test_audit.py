"""The audit trail: complete, append-only, searchable, exported, and kept 180 days."""

import io
from datetime import timedelta
from unittest import mock

import openpyxl
import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from zhaoshang.audit.models import AuditEvent
from zhaoshang.audit.services import audit_purge_expired, audit_record
from zhaoshang.conftest import PASSWORD


def test_login_and_logout_are_recorded_with_address(demo):
    c = Client()
    c.post(
        "/login/",
        {"username": demo["department_staff"].username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.7",
    )
    c.post("/logout/", REMOTE_ADDR="10.0.0.7")
    actions = list(
        AuditEvent.objects.filter(username=demo["department_staff"].username).values_list(
            "action", "ip"
        )
    )
    assert ("login", "10.0.0.7") in actions and ("logout", "10.0.0.7") in actions


def test_the_trail_cannot_be_changed_by_the_application(demo):
    event = audit_record(AuditEvent.Action.EXPORT, actor=demo["office_staff"], detail="x")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="y")


def test_the_database_refuses_updates_and_early_deletes(demo):
    event = audit_record(AuditEvent.Action.EXPORT, actor=demo["office_staff"], detail="x")
    table = AuditEvent._meta.db_table
    for sql in [
        f"UPDATE {table} SET detail = 'forged' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).detail == "x"


def test_retention_job_removes_only_events_older_than_180_days(demo):
    old_time = timezone.now() - timedelta(days=200)
    with mock.patch("django.utils.timezone.now", return_value=old_time):
        old = audit_record(AuditEvent.Action.EXPORT, actor=demo["office_staff"], detail="old")
    recent = audit_record(AuditEvent.Action.EXPORT, actor=demo["office_staff"], detail="recent")
    removed = audit_purge_expired()
    assert removed == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(action="purge").exists()


def test_audit_admin_searches_and_exports(demo, client_for):
    auditor = client_for("audit_admin")
    Client().post(
        "/login/",
        {"username": demo["department_staff"].username, "password": "wrong"},
        REMOTE_ADDR="10.0.0.9",
    )
    page = auditor.get(
        "/audit/logins/", {"user": demo["department_staff"].username, "action": "login_failed"}
    ).content.decode()
    assert "登录失败" in page and "10.0.0.9" in page
    today = timezone.localdate().isoformat()
    response = auditor.get(
        "/audit/",
        {"user": demo["department_staff"].username, "start": today, "end": today, "export": "xlsx"},
    )
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "时间" and any(r[3] == "登录失败" for r in rows[1:])
    assert AuditEvent.objects.filter(
        action="export", username=demo["audit_admin"].username
    ).exists()


def test_only_the_audit_admin_reads_the_trail(demo, client_for):
    for role in ["system_admin", "security_admin", "office_staff", "leader"]:
        assert client_for(role).get("/audit/").status_code == 403
