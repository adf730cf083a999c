"""Home-page cards: a department's own supervision items; the district's figures for the
supervision office and leaders."""

from django.utils import timezone

from zhaoshang.org import roles
from zhaoshang.org.home import card

from . import queries


@card(roles.VIEW_SUPERVISION, order=36)
def supervision_items(user):
    today = timezone.localdate()
    # The office and leaders answer for no item: they see the district's figures. A unit
    # (招商办 included, though it reads every item) sees its own.
    if user.has_perm(roles.MANAGE_SUPERVISION) or not user.has_perm(roles.REPORT_SUPERVISION):
        f = queries.office_summary(user, today)
        return {
            "title": f"全区督办事项（办理中 {f['open']} 件）",
            "lines": [
                ("办理中", f"{f['open']} 件"),
                ("其中超期", f"{f['overdue']} 件"),
                ("待审核办结", f"{f['submitted']} 件"),
            ],
            "link": ("supervision:item_list", "进入督查督办"),
        }
    f = queries.unit_summary(user, today)
    lines = [
        (
            f"{r['number']} {r['title']}",
            f"期限{r['due_on']:%-m月%-d日}" + ("（已超期）" if r["due_on"] < today else ""),
        )
        for r in f["nearest"]
    ]
    if f["open"] > len(lines):
        lines.append(("……", f"共 {f['open']} 件，其余见督办事项清单"))
    if not lines:
        lines = [("本单位办理中的督办事项", "0 件")]
    if f["submitted"]:
        lines.append(("已报请办结待审核", f"{f['submitted']} 件"))
    return {
        "title": f"本单位督办事项（办理中 {f['open']} 件，超期 {f['overdue']} 件）",
        "lines": lines,
        "link": ("supervision:item_list", "进入督办事项"),
    }
