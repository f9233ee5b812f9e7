"""KPI and chart queries: (connection, Scope) -> plain values or polars frames. Scope lives at the
bottom layer (fupin_core.scope) because security scopes requests with it too; it is re-exported here."""

from fupin_core.scope import Scope

__all__ = ["Scope"]
