"""Parameter types the routers share."""

from typing import Annotated

from pydantic import Field

# A record's id: what a BIGINT key can hold. Declared in the schema, so a client knows
# the bounds and an id past them is a 422 naming the parameter. Unbounded, SQLite cannot
# even bind it (OverflowError: a server error) when it filters a foreign key by it.
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
