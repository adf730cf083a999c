"""The free-text referrer of every project (``referrer_name`` / ``referrer_kind``) becomes
a row of the partner registry, and the project points at it.

One registry row per distinct (name, kind): a person (个人) becomes a partner of kind
person; an organisation (机构), or a name whose kind was never filled, becomes a 中介机构
the office may later re-file as a chamber or agency. The row's note says where it came
from and what the old kind was, so going back (``referrers_back``) writes every project's
name and kind as they were. A kind without a name named no referrer and carries nothing
to keep. Rows created here are kept on the way back: they may have been edited or named
since."""

from django.db import migrations

NOTE = "由项目原“引荐人 / 引荐机构”字段迁移（原类型：{}）"
KIND_LABELS = {"person": "个人", "organisation": "机构", "": "未填"}


def referrers_forward(apps, schema_editor):
    Project = apps.get_model("pipeline", "Project")
    Partner = apps.get_model("partners", "Partner")
    made = {}
    rows = (
        Project.objects.exclude(referrer_name="")
        .order_by("pk")
        .values_list("pk", "referrer_name", "referrer_kind", "registered_department_id")
    )
    for pk, name, kind, unit in rows.iterator():
        name = name.strip()
        if not name:
            continue
        key = (name, kind or "")
        if key not in made:
            made[key] = Partner.objects.create(
                kind="person" if kind == "person" else "intermediary",
                name=name,
                department_id=unit,
                note=NOTE.format(KIND_LABELS.get(kind or "", kind)),
            ).pk
        Project.objects.filter(pk=pk).update(referrer_id=made[key])


def referrers_back(apps, schema_editor):
    Project = apps.get_model("pipeline", "Project")
    Partner = apps.get_model("partners", "Partner")
    kinds = {}
    for pk, kind, note in Partner.objects.filter(referrals__isnull=False).values_list(
        "pk", "kind", "note"
    ).distinct():
        if NOTE.format("未填") in note:
            kinds[pk] = ""
        else:
            kinds[pk] = "person" if kind in ("person", "advisor") else "organisation"
    names = dict(Partner.objects.filter(pk__in=kinds).values_list("pk", "name"))
    for pk, kind in kinds.items():
        Project.objects.filter(referrer_id=pk).update(
            referrer_name=names[pk][:100], referrer_kind=kind
        )


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0012_project_referrer")]

    operations = [migrations.RunPython(referrers_forward, referrers_back)]
