"""The filter every metric takes: a year, optionally narrowed to 镇办 and/or one village."""

from __future__ import annotations

from dataclasses import dataclass

# The most places one chart draws or one comparison ranks (a province's 1,800 镇办 cannot be read as
# bars): fupin_core.charts.places and metrics.trends.
MAX_PLACES = 60


@dataclass(frozen=True)
class Scope:
    year: int
    # None = the whole district (or every district at scale > 1); else a set of 镇办 codes.
    townships: tuple[str, ...] | None = None
    village: str | None = None

    @property
    def one_township(self) -> str | None:
        """The code of the 镇办 when exactly one is chosen, else None."""
        return self.townships[0] if self.townships is not None and len(self.townships) == 1 else None

    @classmethod
    def of(cls, year: int, township: str | None = None, village: str | None = None) -> Scope:
        return cls(int(year), (township,) if township else None, village or None)

    def where(self, township_col: str, village_col: str | None) -> tuple[str, list]:
        """SQL conditions (joined by AND, starting with AND) and their bound parameters.

        Column names come from the calling query, never from user input.
        """
        sql, params = "", []
        if self.townships is not None:
            sql += f" AND {township_col} IN ({', '.join('?' for _ in self.townships) or 'NULL'})"
            params += list(self.townships)
        if self.village is not None:
            if village_col is None:
                sql += " AND FALSE"
            else:
                sql += f" AND {village_col} = ?"
                params.append(self.village)
        return sql, params
