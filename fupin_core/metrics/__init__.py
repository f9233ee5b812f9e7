"""KPI and chart queries: (connection, Scope) -> plain values or polars frames."""

from fupin_core.scope import Scope

__all__ = ["Scope"]
