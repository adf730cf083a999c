"""The reference card on the home page: carriers by kind with their vacant area, and, for
a user whose unit owns key industries, the industries it answers for (管行业必须抓招商)."""

from decimal import Decimal

from zhaoshang.org import roles
from zhaoshang.org.home import card

from . import queries
from .models import Carrier, KeyIndustry


@card(roles.VIEW_REFERENCE, order=50)
def carriers(user):
    labels = dict(Carrier.Kind.choices)
    lines, vacant = [], {"平方米": Decimal(0), "亩": Decimal(0)}
    for row in queries.carrier_summary().order_by("kind"):
        unit = Carrier.UNITS[row["kind"]]
        vacant[unit] += row["vacant"] or 0
        lines.append((labels[row["kind"]], f"{row['n']} 个，空置 {row['vacant']:,.0f} {unit}"))
    if lines:
        # Square metres and mu are not added together: land is counted apart.
        lines.append(
            ("空置合计", f"楼宇园区 {vacant['平方米']:,.0f} 平方米，土地 {vacant['亩']:,.2f} 亩")
        )
    owned = list(
        KeyIndustry.objects.filter(department=user.department_id).values_list("name", flat=True)
    )
    if owned:
        lines.append(("本单位主管产业", f"{len(owned)} 个"))
    if not lines:
        return None
    return {
        "title": "招商载体",
        "lines": lines,
        "entries": owned,
        "link": ("reference:carrier_list", "查看载体"),
    }
