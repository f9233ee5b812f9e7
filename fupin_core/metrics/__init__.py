"""KPI and chart queries: (connection, Scope) -> plain values or polars frames."""

from fupin_core.metrics.scope import Scope

__all__ = ["Scope"]
