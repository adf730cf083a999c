"""The move of projects' free-text referrers into the partner registry keeps every value:
each (name, kind) becomes one registry row the projects point at, and going back writes
the same name and kind onto every project again. Run with Django's migration executor on
a real (empty) database; the schema is migrated forward again afterwards."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("pipeline", "0012_project_referrer"), ("partners", "0001_initial")]
AFTER = [("pipeline", "0014_remove_project_referrer_text")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_free_text_referrers_move_into_the_registry_and_back_losing_nothing():
    old = _migrate(BEFORE)
    Department = old.get_model("org", "Department")
    Enterprise = old.get_model("enterprises", "Enterprise")
    Project = old.get_model("pipeline", "Project")
    unit = Department.objects.create(name="迁移测试局", kind="department", path="/m/")
    values = [
        ("天津大学校友会", "organisation"),
        ("天津大学校友会", "organisation"),  # a second project, the same chamber
        ("孙建", "person"),
        ("孙建", "organisation"),  # the same name written as both: kept apart
        ("某咨询公司", ""),  # a name whose kind was never filled
        ("", ""),  # no referrer
    ]
    ids = []
    for n, (name, kind) in enumerate(values):
        ent = Enterprise.objects.create(name=f"迁移测试企业{n}", dedupe_key=f"迁移测试企业{n}")
        ids.append(
            Project.objects.create(
                name=f"迁移测试项目{n}",
                enterprise=ent,
                department=unit,
                registered_department=unit,
                referrer_name=name,
                referrer_kind=kind,
            ).pk
        )
    try:
        new = _migrate(AFTER)
        NewProject = new.get_model("pipeline", "Project")
        Partner = new.get_model("partners", "Partner")
        rows = dict(NewProject.objects.filter(pk__in=ids).values_list("pk", "referrer_id"))
        assert rows[ids[0]] == rows[ids[1]] is not None
        assert rows[ids[5]] is None
        assert len({rows[i] for i in ids[:5]}) == 4
        kinds = {p.name + "/" + p.kind for p in Partner.objects.all()}
        assert kinds == {
            "天津大学校友会/intermediary",
            "孙建/person",
            "孙建/intermediary",
            "某咨询公司/intermediary",
        }
        back = _migrate(BEFORE)
        OldProject = back.get_model("pipeline", "Project")
        restored = [
            tuple(OldProject.objects.filter(pk=pk).values_list("referrer_name", "referrer_kind")[0])
            for pk in ids
        ]
        assert restored == values
    finally:
        _migrate(AFTER)
        # Every app's latest migration again, for the tests that follow.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
