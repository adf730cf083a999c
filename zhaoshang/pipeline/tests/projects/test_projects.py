import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from zhaoshang.audit.models import AuditEvent
from zhaoshang.common.records import StaleEditError
from zhaoshang.enterprises.services import enterprise_create, enterprise_merge
from zhaoshang.enterprises.tests.factories import an_enterprise
from zhaoshang.org.models import Department
from zhaoshang.pipeline.models import (
    FundsEntry,
    MajorLevel,
    OwnerChange,
    PipelineConfig,
    Problem,
    ProblemStep,
    Project,
    ProjectMember,
    Stage,
    StageChange,
)
from zhaoshang.pipeline.projects import queries, services, tasks, views, workflow
from zhaoshang.reference.calendar import add_working_days

pytestmark = pytest.mark.django_db

KEJIJU = "区科技局"


def _enterprise():
    return an_enterprise()


def _new(demo, name="新测试项目", role="department_staff", **data):
    return services.project_create(
        actor=demo[role], data={"name": name, "enterprise": _enterprise(), **data}
    )


# --- Problems: working-day deadlines and escalation ----------------------------------------
def test_a_problem_deadline_skips_the_national_day_holiday(demo):
    project = _new(demo)
    problem = services.problem_raise(
        actor=demo["department_staff"],
        project=project,
        category="land",
        title="用地指标未落实",
        owner_department=demo["department_staff"].department,
        deadline_days=3,
        today=dt.date(2026, 9, 30),
    )
    # 10月1日–7日 are 国庆 holidays; 3 working days after 9月30日 end on Saturday 10月10日,
    # an adjusted working day.
    assert problem.due_on == dt.date(2026, 10, 10)
    assert add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)


def test_escalation_goes_unit_office_joint_meeting_with_one_step_each(demo):
    clerk, office = demo["department_staff"], demo["office_staff"]
    project = _new(demo)
    problem = services.problem_raise(
        actor=clerk,
        project=project,
        category="approval",
        title="施工许可迟迟未批",
        owner_department=clerk.department,
        deadline_days=5,
        today=dt.date(2026, 11, 2),
    )
    services.problem_escalate(
        actor=clerk, problem=problem, note="本单位协调未果", today=dt.date(2026, 11, 9)
    )
    assert problem.level == Problem.Level.OFFICE
    assert problem.due_on == dt.date(2026, 11, 16)  # the deadline restarts
    on = dt.date(2026, 11, 16)  # a fixed day: deadlines never depend on the real today
    with pytest.raises(ValidationError, match="只有招商办可以将问题提交联席会议"):
        services.problem_escalate(actor=clerk, problem=problem, note="再升级", today=on)
    services.problem_escalate(actor=office, problem=problem, note="提交第5次联席会议", today=on)
    assert problem.due_on == dt.date(2026, 11, 23)
    with pytest.raises(ValidationError, match="不能再升级"):
        services.problem_escalate(actor=office, problem=problem, note="再升级", today=on)
    services.problem_resolve(
        actor=office, problem=problem, resolution="联席会议明确由区住建委限时办结"
    )
    with pytest.raises(ValidationError, match="已办结"):
        services.problem_reply(actor=clerk, problem=problem, note="补充")
    steps = list(
        ProblemStep.objects.filter(problem=problem).values_list("kind", "from_level", "to_level")
    )
    assert steps == [
        ("raise", "", "unit"),
        ("escalate", "unit", "office"),
        ("escalate", "office", "joint_meeting"),
        ("resolve", "", ""),
    ]
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.RESOLVED


def test_a_reply_on_a_stale_problem_is_refused(demo):
    clerk = demo["department_staff"]
    problem = services.problem_raise(
        actor=clerk,
        project=_new(demo),
        category="other",
        title="问题",
        owner_department=clerk.department,
        today=dt.date(2026, 11, 2),
    )
    version = problem.version
    services.problem_reply(actor=clerk, problem=problem, note="已对接", version=version)
    stale = Problem.objects.get(pk=problem.pk)
    with pytest.raises(StaleEditError):
        services.problem_resolve(actor=clerk, problem=stale, resolution="x", version=version)


# --- Project record, funds, team, settings -------------------------------------------------
def test_editing_recomputes_the_level_and_refuses_stale_and_stage_fields(demo):
    clerk = demo["department_staff"]
    project = _new(demo, estimated_investment=Decimal("50000000"))
    assert project.major_level == MajorLevel.NONE
    version = project.version
    services.project_update(
        actor=clerk,
        project=project,
        data={"estimated_investment": Decimal("1500000000")},
        version=version,
    )
    assert Project.objects.get(pk=project.pk).major_level == MajorLevel.VERY_MAJOR
    with pytest.raises(StaleEditError):
        services.project_update(
            actor=clerk, project=project, data={"name": "改名"}, version=version
        )
    with pytest.raises(ValidationError, match="阶段变更"):
        services.project_update(
            actor=clerk, project=project, data={"stage": "operating"}, version=project.version
        )


def test_funds_are_added_and_deleted_with_audit_and_bad_amounts_refused(demo):
    clerk = demo["department_staff"]
    project = _new(demo)
    entry = services.funds_entry_add(
        actor=clerk,
        project=project,
        received_on=dt.date(2026, 3, 1),
        amount=Decimal("2000000"),
        currency="usd",
    )
    assert (entry.currency, entry.source) == ("USD", FundsEntry.Source.FOREIGN)
    with pytest.raises(ValidationError, match="应大于零"):
        services.funds_entry_add(
            actor=clerk, project=project, received_on=dt.date(2026, 3, 1), amount=Decimal(0)
        )
    entry_pk = entry.pk
    services.funds_entry_delete(actor=clerk, entry=entry)
    assert not FundsEntry.objects.filter(project=project).exists()
    actions = AuditEvent.objects.filter(
        object_type="pipeline.fundsentry", object_id=str(entry_pk)
    ).values_list("action", flat=True)
    assert sorted(actions) == ["create", "delete"]


def test_only_a_very_major_project_has_a_commander(demo):
    clerk = demo["department_staff"]
    small = _new(demo, estimated_investment=Decimal("5000000"))
    with pytest.raises(ValidationError, match="只有特别重大项目设立指挥部"):
        services.member_add(actor=clerk, project=small, role="commander", name="张立新")
    big = _new(demo, "大项目", estimated_investment=Decimal("2000000000"))
    services.member_add(actor=clerk, project=big, role="commander", name="张立新")
    services.member_add(actor=clerk, project=big, role="lead_official", name="陈建华")
    with pytest.raises(ValidationError, match="只设一名包联领导"):
        services.member_add(actor=clerk, project=big, role="lead_official", name="另一人")
    assert ProjectMember.objects.filter(project=big).count() == 2


def test_new_thresholds_relevel_every_project(demo):
    project = _new(demo, estimated_investment=Decimal("300000000"))
    assert project.major_level == MajorLevel.MAJOR
    services.config_update(
        actor=demo["office_staff"],
        data={"major_threshold": Decimal("500000000"), "very_major_threshold": Decimal("2e9")},
    )
    assert Project.objects.get(pk=project.pk).major_level == MajorLevel.NONE
    with pytest.raises(ValidationError):
        services.config_update(
            actor=demo["office_staff"],
            data={"major_threshold": Decimal("5e8"), "very_major_threshold": Decimal("1e8")},
        )


def test_merging_enterprises_moves_their_projects(demo):
    # Two records nobody else holds a lead on (the demo's first enterprises are held by
    # different units, and such a merge is refused: see test_leads).
    survivor, duplicate = (
        enterprise_create(actor=None, data={"name": name}, confirm_duplicates=True)
        for name in ("天津合并测试有限公司", "天津合并测试有限公司（重复登记）")
    )
    project = services.project_create(
        actor=demo["department_staff"], data={"name": "重复企业的项目", "enterprise": duplicate}
    )
    enterprise_merge(actor=demo["office_staff"], survivor=survivor, duplicate=duplicate)
    assert Project.objects.get(pk=project.pk).enterprise == survivor


# --- Pages ----------------------------------------------------------------------------------
def _kejiju_project(demo):
    return Project.objects.filter(department__name=KEJIJU).order_by("pk").first()


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_a_move_through_the_page_names_what_is_missing_and_changes_nothing(demo, client_for):
    project = Project.objects.filter(department__name=KEJIJU, stage="negotiating").first()
    c = client_for("department_staff")
    url = f"/pipeline/projects/{project.pk}/move/"
    response = c.post(
        url, {"to_stage": "signed", "expected_stage": "negotiating", "signed_on": "2026-11-02"}
    )
    assert response.status_code == 200
    assert "还需填写：协议投资额、协议编号或协议文件" in response.content.decode()
    assert Project.objects.get(pk=project.pk).stage == Stage.NEGOTIATING
    response = c.post(
        url,
        {
            "to_stage": "signed",
            "expected_stage": "negotiating",
            "signed_on": "2026年11月2日",
            "agreed_investment": "1.2亿元",
            "agreement_no": "HX-2026-099",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.agreed_investment) == (Stage.SIGNED, Decimal("120000000"))


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_a_page_move_from_a_stale_page_tells_the_loser(demo, client_for):
    project = Project.objects.filter(department__name=KEJIJU, stage="negotiating").first()
    c = client_for("department_staff")
    # Someone else dropped it after this page was opened at 洽谈.
    workflow.project_move(
        actor=demo["office_staff"], project=project, to_stage="dropped", reason="企业放弃"
    )
    response = c.post(
        f"/pipeline/projects/{project.pk}/move/",
        {"to_stage": "on_hold", "expected_stage": "negotiating", "reason": "暂缓"},
        follow=True,
    )
    assert "已被他人从“洽谈”转为“终止”" in response.content.decode()
    assert StageChange.objects.filter(project=project, to_stage="on_hold").count() == 0


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_another_units_clerk_sees_none_of_a_units_projects(demo, client_for):
    project = _kejiju_project(demo)
    other = client_for("department_staff")
    other.force_login(demo["street_staff"])
    pages = ["/pipeline/", "/pipeline/projects/", "/pipeline/overdue-ledgers/"]
    for url in pages:
        assert project.name not in other.get(url).content.decode(), url
    assert other.get(f"/pipeline/projects/{project.pk}/").status_code == 404
    assert other.get(f"/api/pipeline/projects/{project.pk}").status_code == 404
    names = [p["name"] for p in other.get("/api/pipeline/projects").json()["items"]]
    assert names and project.name not in names
    assert all(
        p["department"] == "友谊路街道" for p in other.get("/api/pipeline/projects").json()["items"]
    )
    sheet = load_workbook(io.BytesIO(other.get("/pipeline/projects/?export=xlsx").content)).active
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported and project.name not in exported
    own = client_for("department_staff")
    assert project.name in own.get("/pipeline/projects/").content.decode()


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_filters_narrow_the_list(demo, client_for):
    c = client_for("office_staff")
    body = c.get("/pipeline/projects/", {"stage": "signed"}).content.decode()
    signed = Project.objects.filter(stage="signed").values_list("name", flat=True)
    others = Project.objects.exclude(stage="signed").values_list("name", flat=True)
    assert all(n in body for n in signed)
    assert not any(f">{n}<" in body for n in others)
    body = c.get("/pipeline/projects/", {"q": "康希诺"}).content.decode()
    assert "康希诺新型疫苗研发中心" in body and "华为" not in body


def _more_projects(demo, n, prefix="批量"):
    clerk = demo["department_staff"]
    for i in range(n):
        p = _new(demo, f"{prefix}项目{i}", estimated_investment=Decimal(i + 1) * 10**7)
        services.ledger_entry_add(
            actor=clerk, project=p, occurred_on=dt.date(2026, 1, 1), content="洽谈"
        )


@pytest.mark.parametrize("url", ["/pipeline/", "/pipeline/projects/", "/pipeline/overdue-ledgers/"])
def test_list_query_counts_do_not_grow_with_rows(demo, client_for, url):
    c = client_for("department_staff")
    _more_projects(demo, 2, "首批")  # at least one row on every list
    c.get(url)  # warm the filter-list cache and the session
    with CaptureQueriesContext(connection) as before:
        assert c.get(url).status_code == 200
    _more_projects(demo, 25)
    with CaptureQueriesContext(connection) as after:
        assert c.get(url).status_code == 200
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]
    assert len(before) <= 16


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_kanban_cards_link_their_project_and_offer_moves_only_to_managers(demo, client_for):
    project = Project.objects.filter(department__name=KEJIJU, stage="negotiating").first()
    project.stage_changed_at = timezone.now()  # the newest card of its column
    project.save(update_fields=["stage_changed_at"])
    body = client_for("department_staff").get("/pipeline/").content.decode()
    assert f'href="/pipeline/projects/{project.pk}/"' in body
    assert f"/pipeline/projects/{project.pk}/move/?to=signed&amp;next=kanban" in body
    assert ("预计 " if project.agreed_investment is None else "协议 ") in body
    negotiating = Project.objects.filter(department__name=KEJIJU, stage="negotiating").count()
    column = re.search(r'data-stage="negotiating">\s*<h2><span>洽谈</span><span[^>]*>(\d+)<', body)
    assert column and int(column[1]) == negotiating
    leader = demo["leader"]
    assert leader.has_perm("pipeline.view_pipeline") and not leader.has_perm(
        "pipeline.manage_pipeline"
    )
    body = client_for("leader").get("/pipeline/").content.decode()
    assert f'href="/pipeline/projects/{project.pk}/"' in body and "/move/?to=" not in body


@pytest.mark.usefixtures("demo_district")  # the demo's projects
@pytest.mark.parametrize(("url", "queries_"), [("/pipeline/", 13), ("/pipeline/projects/", 6)])
def test_list_pages_pin_their_query_count(demo, client_for, url, queries_):
    """Session, user, roles and the settings (for the overdue mark); then the kanban's one
    count and one card query per stage (all eight have projects in the demo district),
    the list's count and page."""
    c = client_for("office_staff")
    c.get(url)  # warm the filter-list cache
    with CaptureQueriesContext(connection) as read:
        assert c.get(url).status_code == 200
    assert len(read) == queries_, [q["sql"] for q in read.captured_queries]


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_the_project_page_shows_the_newest_timeline_in_as_many_queries_however_long(
    demo, client_for
):
    project = _kejiju_project(demo)
    clerk = demo["department_staff"]
    c = client_for("department_staff")
    url = f"/pipeline/projects/{project.pk}/"
    c.get(url)
    with CaptureQueriesContext(connection) as before:
        assert c.get(url).status_code == 200
    start = dt.date(2025, 1, 1)
    for i in range(views.TIMELINE_ITEMS + 5):
        services.ledger_entry_add(
            actor=clerk,
            project=project,
            occurred_on=start + dt.timedelta(days=i),
            content=f"第{i:03d}次会商",
        )
    with CaptureQueriesContext(connection) as after:
        body = c.get(url).content.decode()
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]
    newest = f"第{views.TIMELINE_ITEMS + 4:03d}次会商"
    assert newest in body and "第000次会商" not in body
    assert body.count('<li class="list-group-item small"><span class="text-muted">') == (
        views.TIMELINE_ITEMS
    )
    assert "更多（显示全部记录）" in body
    body = c.get(url, {"timeline": "all"}).content.decode()
    assert newest in body and "第000次会商" in body and "更多（显示全部记录）" not in body


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_an_api_move_answers_with_the_moved_project_and_records_its_unit(demo, client_for):
    project = Project.objects.filter(department__name=KEJIJU, stage="negotiating").first()
    c = client_for("department_staff")
    c.get("/")
    with CaptureQueriesContext(connection) as moved:
        r = c.post(
            f"/api/pipeline/projects/{project.pk}/move",
            {"to_stage": "on_hold", "expected_stage": "negotiating", "reason": "等待企业决策"},
            content_type="application/json",
        )
    assert r.status_code == 200
    fresh = Project.objects.get(pk=project.pk)
    assert r.json()["version"] == fresh.version == project.version + 1
    assert (r.json()["stage"], r.json()["department"]) == ("on_hold", KEJIJU)
    change = StageChange.objects.filter(project=project).latest("id")
    assert (change.to_stage, change.department_id) == ("on_hold", fresh.department_id)
    # Session, user, roles, the project; the update, the reload, the history row and
    # the audit line; besides, the transaction's own statements (savepoints in a test).
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    statements = [q["sql"] for q in moved.captured_queries if not q["sql"].startswith(control)]
    assert len(statements) == 8, statements


@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_the_detail_page_shows_the_timeline(demo, client_for):
    project = Project.objects.filter(department__name=KEJIJU, stage="construction").first()
    body = client_for("department_staff").get(f"/pipeline/projects/{project.pk}/").content
    text = body.decode()
    assert "项目推进时间轴" in text and "签约 → 落地" in text or "签约 → 落地" in text
    assert "洽谈 → 签约" in text and "到位资金" in text and "台账" in text


def test_the_funnel_counts_conversion_and_time_in_stage(demo):
    clerk = demo["department_staff"]
    today = dt.date(2026, 11, 23)
    a = services.project_create(
        actor=clerk,
        data={"name": "漏斗A", "enterprise": _enterprise()},
        occurred_on=dt.date(2026, 1, 1),
    )
    b = services.project_create(
        actor=clerk,
        data={"name": "漏斗B", "enterprise": _enterprise()},
        occurred_on=dt.date(2026, 1, 1),
    )
    for p, days in ((a, 10), (b, 30)):
        workflow.project_move(
            actor=clerk,
            project=p,
            to_stage="negotiating",
            data={"occurred_on": dt.date(2026, 1, 1) + dt.timedelta(days=days)},
            today=today,
        )
    workflow.project_move(
        actor=clerk,
        project=a,
        to_stage="signed",
        data={
            "signed_on": dt.date(2026, 3, 1),
            "agreed_investment": Decimal(1000),
            "agreement_no": "X",
        },
        today=today,
    )
    Project.objects.exclude(pk__in=[a.pk, b.pk]).delete()
    rows = queries.funnel(clerk)
    unit = next(r for r in rows if r["unit"] == KEJIJU)
    lead, negotiating, signed = unit["stages"][:3]
    assert (lead["reached"], negotiating["reached"], signed["reached"]) == (2, 2, 1)
    assert (negotiating["rate"], signed["rate"]) == (100.0, 50.0)
    assert (lead["median"], lead["average"]) == (20, 20.0)  # 10 and 30 days as a lead
    assert negotiating["median"] == (dt.date(2026, 3, 1) - dt.date(2026, 1, 11)).days
    assert signed["current"] == 1 and signed["median"] is None  # still running


def test_time_in_stage_goes_to_the_unit_that_held_the_project_during_the_stay(demo):
    """Counting rule 2: a project handed over mid-stay credits each unit with the days it
    held it, not the unit that holds it now with the whole stay."""
    from zhaoshang.pipeline.tests.factories import at_local, reassign

    clerk = demo["department_staff"]
    today = dt.date(2026, 11, 23)
    project = services.project_create(
        actor=clerk,
        data={"name": "漏斗改派", "enterprise": _enterprise()},
        occurred_on=dt.date(2026, 1, 1),
    )
    # Registered on 1 January (the registration row is stamped now otherwise).
    OwnerChange.objects.filter(project=project).update(at=at_local(dt.date(2026, 1, 1)))
    workflow.project_move(
        actor=clerk,
        project=project,
        to_stage="negotiating",
        data={"occurred_on": dt.date(2026, 1, 11)},
        today=today,
    )
    # 区科技局 negotiated 20 days, then the office handed the project to 区金融局, which
    # signed it 40 days later.
    finance = Department.objects.get(name="区金融局")
    reassign(project, finance, at_local(dt.date(2026, 1, 31)))
    project.refresh_from_db()
    workflow.project_move(
        actor=demo["office_staff"],
        project=project,
        to_stage="signed",
        data={
            "signed_on": dt.date(2026, 3, 12),
            "agreed_investment": Decimal(1000),
            "agreement_no": "X",
        },
        today=today,
    )
    Project.objects.exclude(pk=project.pk).delete()
    rows = {r["unit"]: r for r in queries.funnel(demo["office_staff"])}

    def negotiating(unit):
        return rows[unit]["stages"][1]["median"]

    assert negotiating(KEJIJU) == 20
    assert negotiating("区金融局") == 40
    assert negotiating("全区") == 60  # the district counts the whole stay
    assert rows[KEJIJU]["stages"][0]["median"] == 10  # the lead stage, before the move


# --- API -----------------------------------------------------------------------------------
@pytest.mark.usefixtures("demo_district")  # the demo's projects
def test_api_move_answers_422_with_the_reason_and_409_to_the_loser(demo, client_for):
    project = Project.objects.filter(department__name=KEJIJU, stage="negotiating").first()
    c = client_for("department_staff")
    url = f"/api/pipeline/projects/{project.pk}/move"
    refused = c.post(
        url,
        {"to_stage": "operating", "expected_stage": "negotiating"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == "项目不能从“洽谈”直接转为“投产运营”。"
    ok = c.post(
        url,
        {"to_stage": "on_hold", "expected_stage": "negotiating", "reason": "等待企业决策"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["stage"] == "on_hold"
    lost = c.post(
        url,
        {"to_stage": "dropped", "expected_stage": "negotiating", "reason": "放弃"},
        content_type="application/json",
    )
    assert lost.status_code == 409 and lost.json()["stage"] == "on_hold"
    assert StageChange.objects.filter(project=project, to_stage="dropped").count() == 0


def test_api_create_patch_ledger_problems_funds(demo, client_for):
    c = client_for("department_staff")
    created = c.post(
        "/api/pipeline/projects",
        {"name": "接口登记项目", "enterprise_id": _enterprise().pk, "estimated_investment": "3e8"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    p = created.json()
    assert (p["stage"], p["major_level"]) == ("lead", "major")
    patched = c.patch(
        f"/api/pipeline/projects/{p['id']}",
        {"version": p["version"], "name": "接口项目（改）"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["name"] == "接口项目（改）"
    stale = c.patch(
        f"/api/pipeline/projects/{p['id']}",
        {"version": p["version"], "name": "再改"},
        content_type="application/json",
    )
    assert stale.status_code == 422 and "已被他人修改" in str(stale.json())
    base = f"/api/pipeline/projects/{p['id']}"
    assert (
        c.post(
            f"{base}/ledger",
            {"occurred_on": "2026-11-20", "content": "首次拜访"},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert [e["content"] for e in c.get(f"{base}/ledger").json()] == ["首次拜访"]
    assert (
        c.post(
            f"{base}/funds",
            {"received_on": "2026-11-20", "amount": "1000000"},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert c.get(f"{base}/funds").json()[0]["amount"] == "1000000.00"
    raised = c.post(
        f"{base}/problems",
        {
            "category": "land",
            "title": "用地未落实",
            "owner_department_id": demo["department_staff"].department_id,
            "deadline_days": 5,
        },
        content_type="application/json",
    )
    assert raised.status_code == 201
    pid = raised.json()["id"]
    up = c.post(
        f"/api/pipeline/problems/{pid}/escalate",
        {"note": "协调未果"},
        content_type="application/json",
    )
    assert up.status_code == 200 and up.json()["level"] == "office"
    done = c.post(
        f"/api/pipeline/problems/{pid}/resolve", {"note": "已解决"}, content_type="application/json"
    )
    assert done.json()["status"] == "resolved"


# --- Reminders -----------------------------------------------------------------------------
def test_reminders_list_overdue_ledgers_and_problems_per_unit(demo):
    clerk = demo["department_staff"]
    today = dt.date(2026, 11, 23)
    Project.objects.all().delete()
    quiet = _new(demo, "沉默项目")
    services.ledger_entry_add(
        actor=clerk, project=quiet, occurred_on=dt.date(2026, 9, 1), content="洽谈"
    )
    fresh = _new(demo, "活跃项目")
    services.ledger_entry_add(
        actor=clerk, project=fresh, occurred_on=dt.date(2026, 11, 20), content="洽谈"
    )
    fresh.refresh_from_db()
    finance = Department.objects.get(name="区财政局")
    late = services.problem_raise(
        actor=clerk,
        project=fresh,
        category="funding",
        title="配套资金未拨付",
        owner_department=finance,
        deadline_days=2,
        today=dt.date(2026, 11, 2),
    )
    # The registered-and-silent project counts from its registration: set it back.
    Project.objects.filter(pk=quiet.pk).update(created_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC))
    by_unit = tasks.overdue_by_unit(today)
    kejiju = clerk.department
    assert [p.name for p in by_unit[kejiju]["ledgers"]] == ["沉默项目"]
    assert by_unit[finance]["problems"] == [late]
    assert kejiju not in {u for u, v in by_unit.items() if v["problems"]}
    from zhaoshang.notifications.models import Notification

    tasks.remind_overdue(today)
    message = Notification.objects.get(recipient=clerk, kind="pipeline_overdue")
    assert "沉默项目" in message.body and "1 个项目台账逾期" in message.title
    # Nobody at 区财政局 may work on projects: nobody there is messaged about it.
    assert not Notification.objects.filter(recipient__department=finance).exists()


def test_config_page_is_the_offices(demo, client_for):
    c = client_for("office_staff")
    response = c.post(
        "/pipeline/settings/",
        {
            "lead_lapse_days": 45,
            "ledger_due_days": 20,
            "major_threshold": "200000000",
            "very_major_threshold": "1000000000",
            "evaluation_threshold": "100000000",
            "problem_deadline_days": 8,
        },
    )
    assert response.status_code == 302
    assert PipelineConfig.current().ledger_due_days == 20
