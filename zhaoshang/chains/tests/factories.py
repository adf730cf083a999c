"""Chains for tests, written through the services (checks, audit, placement)."""

from zhaoshang.chains import services
from zhaoshang.chains.models import Chain, Link


def a_chain(name="生物医药", *, actor=None, **data) -> Chain:
    return services.chain_create(actor=actor, data={"name": name, **data})


def a_link(
    chain, name, *, parent=None, position="midstream", codes="", keywords="", actor=None
) -> Link:
    return services.link_save(
        actor=actor,
        chain=chain,
        data={"name": name, "parent": parent, "position": position, "keywords": keywords},
        industries=services.parse_industry_codes(codes),
    )
