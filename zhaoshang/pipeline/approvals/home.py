"""The home-page card of admission evaluation and tailored terms."""

from zhaoshang.org import roles
from zhaoshang.org.home import card

from ..models import TermsState
from . import queries


@card(roles.VIEW_PIPELINE, order=45)
def approvals_card(user):
    pending_reviews = queries.my_reviews(user).count()
    lines = [("待我评审", f"{pending_reviews} 项")]
    if user.has_perm(roles.COORDINATE_PIPELINE):
        lines.append(("评审完毕待作结论", f"{queries.awaiting_decision(user).count()} 项"))
    approvals = queries.approvals(user)
    lines.append(
        ("一企一策待上会", f"{approvals.filter(state=TermsState.AWAITING_MEETING).count()} 项")
    )
    lines.append(
        (
            "一企一策待起草",
            f"{approvals.filter(state__in=[TermsState.DRAFTING_TERMS, TermsState.DRAFTING_AGREEMENT]).count()} 项",
        )
    )
    return {
        "title": "准入评估与一企一策",
        "lines": lines,
        "link": ("pipeline:review_list", "待我评审"),
    }
