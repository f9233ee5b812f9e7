"""Read a produced workbook back into blocks (title, note, header, rows, 合计 row) for assertions."""

from __future__ import annotations

import io
from dataclasses import dataclass

import openpyxl


@dataclass
class Block:
    title: str
    note: str | None
    header: list[str]
    rows: list[list]
    total: list | None

    def column(self, name: str) -> list:
        i = self.header.index(name)
        return [r[i] for r in self.rows]

    def total_of(self, name: str):
        return self.total[self.header.index(name)]


def blocks(ws) -> list[Block]:
    """Split a sheet at blank rows: title, optional note (统计年度…), header, data, optional 合计."""
    grid = [[c.value for c in row] for row in ws.iter_rows()]
    out, i = [], 0
    while i < len(grid):
        if all(v is None for v in grid[i]):
            i += 1
            continue
        title = grid[i][0]
        i += 1
        note = None
        if i < len(grid) and isinstance(grid[i][0], str) and grid[i][0].startswith("统计年度"):
            note, i = grid[i][0], i + 1
        width = max(j + 1 for j, v in enumerate(grid[i]) if v is not None)
        header = grid[i][:width]
        i += 1
        rows = []
        while i < len(grid) and not all(v is None for v in grid[i]):
            rows.append(grid[i][:width])
            i += 1
        total = rows.pop() if rows and "合计" in rows[-1] else None
        out.append(Block(title, note, header, rows, total))
    return out


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))
