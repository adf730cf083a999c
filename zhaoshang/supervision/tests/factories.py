"""Supervision test helpers: an item raised by the supervision office through the service,
and the head of 区科技局 (the persona district has none; the head signs results off)."""

import datetime as dt

from zhaoshang.org.tests.factories import UserFactory
from zhaoshang.supervision import services
from zhaoshang.supervision.models import Item


def unit_head(demo):
    """The head of ``department_staff``'s unit (区科技局)."""
    from zhaoshang.org.models import User

    unit = demo["department_staff"].department
    return User.objects.filter(username="kejiju_head").first() or UserFactory(
        username="kejiju_head",
        full_name="科技局局长",
        department=unit,
        title="局长",
        role="department_head",
    )


def raise_item(demo, *, today=dt.date(2026, 11, 2), days=10, unit=None, **kw):
    """An item on the work of ``unit`` (by default 区科技局), raised on ``today``."""
    unit = unit or demo["department_staff"].department
    values = {
        "title": "补贴申报积压清理",
        "requirement": "逐件明确受理意见并报送台账。",
        "subject": Item.Subject.DEPARTMENT,
        "record": unit,
        "deadline_days": days,
        "today": today,
        **kw,
    }
    return services.item_raise(actor=demo["supervision"], **values)
