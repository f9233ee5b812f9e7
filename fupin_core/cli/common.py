"""What several commands share: the one-line error they exit with, and the check of a place code."""

from __future__ import annotations


class CliError(Exception):
    """A usage or environment problem, reported as one Chinese line with exit status 2."""


def check_place(con, township: str | None, village: str | None = None) -> None:
    """An unknown 镇办 or 村 code is an error, not a report of zeros."""
    if township is not None and not con.execute("SELECT count(*) FROM townships WHERE township_code = ?", [township]).fetchone()[0]:
        raise CliError(f"镇办代码 {township} 不存在，请核对（应为9位数字，如 611002111）")
    if village is not None:
        row = con.execute("SELECT township_code FROM villages WHERE village_code = ?", [village]).fetchone()
        if row is None:
            raise CliError(f"村代码 {village} 不存在，请核对（应为12位数字，如 611002111201）")
        if township is not None and row[0] != township:
            raise CliError(f"村代码 {village} 不属于镇办 {township}")
