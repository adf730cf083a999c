"""Home-page cards: the district's year so far (leaders, office) and the unit's own
progress against its targets (departments)."""

from zhaoshang.common import formats
from zhaoshang.org import roles
from zhaoshang.org.home import card


@card(roles.VIEW_REPORT, order=40)
def district_year(user):
    from . import queries

    d = queries.district_dashboard()
    rows = {r["code"]: r for r in d["progress"]}

    def line(code, unit):
        r = rows[code]
        value = r["done"] if unit == "个" else formats.wan_number(r["done"])
        rate = f"（完成 {r['rate']}%）" if r["rate"] is not None else ""
        return (r["label"], f"{value} {unit}{rate}")

    return {
        "title": f"全区招商 {d['year']}年1—{d['month']}月",
        "lines": [
            line("signed_projects", "个"),
            line("agreed_investment", "万元"),
            line("landed_projects", "个"),
            ("年内无签约单位", f"{sum(1 for r in d['ranking'] if not r['signed'])} 个"),
        ],
        "link": ("reports:dashboard", "打开驾驶舱"),
    }


@card(roles.VIEW_UNIT_DASHBOARD, order=41)
def unit_year(user):
    from . import queries

    d = queries.unit_dashboard(user)
    rows = {r["code"]: r for r in d["progress"]}

    def line(code):
        r = rows[code]
        target = f" / 目标 {r['target']}" if r["target"] else ""
        return (r["label"], f"{r['done']} 个{target}")

    return {
        "title": f"本单位 {d['year']}年目标完成",
        "lines": [line("signed_projects"), line("major_projects"), line("landed_projects")],
        "link": ("reports:unit_dashboard", "查看完成情况"),
    }
