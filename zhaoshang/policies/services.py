"""Writes of the policy library: drafting, editing a draft, revising a policy in force (a
new version that supersedes it), publishing, repealing and attachments. Every write is
audited (common/records.py) and every status move goes through ``workflow.policy_move``."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from zhaoshang.common.records import record_create, record_update

from .models import Policy, PolicyAttachment, Status, normalize_doc_number
from .workflow import policy_move

FIELDS = [
    "title",
    "doc_number",
    "industries",
    "measures",
    "rules",
    "explanation",
    "valid_from",
    "valid_until",
]


def _clean(data):
    data = {k: v for k, v in data.items() if k in FIELDS}
    if "doc_number" in data:
        data["doc_number"] = normalize_doc_number(data["doc_number"])
    if not (data.get("measures") or "").strip():
        raise ValidationError({"measures": "扶持办法不能为空。"})
    return data


def _doc_number_free(doc_number, *, exclude=None):
    """A document number names one policy version; its own revision may keep it only
    when the revision is issued under the same number (it is not: a revision has its
    own 文号), so a number in use by another policy is refused."""
    qs = Policy.objects.filter(doc_number=doc_number)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    other = qs.first()
    if other is not None:
        raise ValidationError({"doc_number": f"文号“{doc_number}”已用于“{other.title}”。"})


@transaction.atomic
def policy_create(*, actor: Any, data: dict[str, Any], department: Any = None) -> Any:
    data = _clean(data)
    _doc_number_free(data.get("doc_number"))
    data["department"] = department or actor.department
    data["created_by"] = actor if getattr(actor, "is_authenticated", False) else None
    return record_create(Policy, actor=actor, data=data)


@transaction.atomic
def policy_update(*, actor: Any, policy: Any, data: dict[str, Any], version: int) -> Any:
    """Only a draft is edited; a policy in force changes by a revision (a new version),
    so what was published stays as it was published."""
    if policy.status != Status.DRAFT:
        raise ValidationError(
            f"“{policy.title}”已{policy.get_status_display()}，不能直接修改；请“修订”生成新版本。"
        )
    data = _clean(data)
    _doc_number_free(data.get("doc_number"), exclude=policy)
    return record_update(policy, actor=actor, data=data, version=version)


@transaction.atomic
def policy_revise(*, actor: Any, policy: Any, data: dict[str, Any]) -> Any:
    """A new draft version of a policy in force, copying its industries; the old one
    stays 现行 until the new one is published."""
    if policy.status != Status.CURRENT:
        raise ValidationError(
            f"只有现行政策可以修订，“{policy.title}”当前为{policy.get_status_display()}。"
        )
    if Policy.objects.filter(supersedes=policy).exists():
        raise ValidationError("该政策已有一个待发布的修订稿，请在修订稿上继续编辑。")
    data = _clean(data)
    data.setdefault("industries", list(policy.industries.all()))
    _doc_number_free(data.get("doc_number"))
    data |= {
        "department": policy.department,
        "supersedes": policy,
        "edition": policy.edition + 1,
        "created_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    try:
        with transaction.atomic():
            return record_create(
                Policy, actor=actor, data=data, detail=f"修订“{policy}”，第{data['edition']}版"
            )
    except IntegrityError as exc:  # two clerks revising at once: one revision per version
        raise ValidationError("该政策刚刚已由他人发起修订，请刷新页面。") from exc


@transaction.atomic
def policy_publish(*, actor: Any, policy: Any, note: str = "") -> Any:
    """Draft → 现行; the version it supersedes (if any) → 修订 in the same transaction."""
    old = policy.supersedes
    moved = policy_move(actor=actor, policy=policy, to_status=Status.CURRENT, note=note)
    if old is not None and old.status == Status.CURRENT:
        policy_move(
            actor=actor,
            policy=old,
            to_status=Status.REVISED,
            note=f"由第{policy.edition}版（{policy.doc_number}）替代",
        )
    return moved


@transaction.atomic
def policy_repeal(*, actor: Any, policy: Any, note: str) -> Any:
    return policy_move(actor=actor, policy=policy, to_status=Status.REPEALED, note=note)


@transaction.atomic
def policy_attachment_add(*, actor: Any, policy: Any, title: str, file: Any) -> Any:
    return record_create(
        PolicyAttachment,
        actor=actor,
        data={
            "policy": policy,
            "title": (title or file.name)[:200],
            "file": file,
            "uploaded_by": actor,
        },
    )
