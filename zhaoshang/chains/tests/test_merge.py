"""An enterprise merge moves the duplicate's places on chain links to the survivor, with
an audit line each; where the survivor already has a row on that link, the survivor's
row stands (a manual removal included) and the duplicate's is deleted, with its line."""

import pytest

from zhaoshang.audit.models import AuditEvent
from zhaoshang.chains import services
from zhaoshang.chains.models import Placement
from zhaoshang.enterprises.models import Status
from zhaoshang.enterprises.services import enterprise_create, enterprise_merge

from .factories import a_chain, a_link

pytestmark = pytest.mark.django_db


def _local(actor, name, **extra):
    return enterprise_create(
        actor=actor, data={"name": name, "status": Status.LOCAL, **extra}, confirm_duplicates=True
    )


def test_a_merge_moves_places_on_links_and_keeps_the_survivors_own(demo):
    office = demo["office_staff"]
    chain = a_chain(actor=office)
    devices = a_link(chain, "医疗器械", actor=office)
    drugs = a_link(chain, "创新药", actor=office)
    survivor = _local(office, "天津合并测试存续医疗科技有限公司")
    duplicate = _local(office, "天津合并测试重复医疗科技有限公司")
    services.placement_add(actor=office, link=devices, enterprise=duplicate)
    services.placement_add(actor=office, link=drugs, enterprise=duplicate)
    services.placement_remove(actor=office, link=drugs, enterprise=survivor)
    enterprise_merge(actor=office, survivor=survivor, duplicate=duplicate)
    rows = {
        (p.link.name, p.removed)
        for p in Placement.objects.filter(enterprise=survivor).select_related("link")
    }
    assert rows == {("医疗器械", False), ("创新药", True)}
    assert not Placement.objects.filter(enterprise=duplicate).exists()
    lines = AuditEvent.objects.filter(detail__startswith="企业合并", object_type="chains.placement")
    assert sorted(lines.values_list("action", flat=True)) == sorted(
        [AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE]
    )
