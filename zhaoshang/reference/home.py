from zhaoshang.org.home import card

from . import queries
from .models import Carrier, KeyIndustry


@card("reference.view_reference", order=50)
def carriers(user):
    labels = dict(Carrier.Kind.choices)
    lines = [
        (
            labels[row["kind"]],
            f"{row['n']} 个，空置 {row['vacant']:,.0f} {Carrier.UNITS[row['kind']]}",
        )
        for row in queries.carrier_summary().order_by("kind")
    ]
    if not lines:
        return None
    return {"title": "招商载体", "lines": lines, "link": ("reference:carrier_list", "查看载体")}


@card("reference.view_reference", order=5)
def owned_industries(user):
    owned = list(
        KeyIndustry.objects.filter(department=user.department_id).values_list("name", flat=True)
    )
    if not owned:
        return None
    return {
        "title": "本单位主管产业",
        "lines": [("重点产业", f"{len(owned)} 个")],
        "entries": owned,
        "link": ("reference:key_industry_list", "查看重点产业"),
    }
