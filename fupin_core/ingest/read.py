"""Reading uploaded files into a grid of strings: xlsx/xls/ods via calamine, CSV in any Chinese encoding.

The grid keeps every row of the sheet (title, note, blank and totals rows too), so that row i of the
grid is row i+1 as the user sees it in Excel; `header` finds the header row in it.

Memory is bounded before anything is parsed: a file over the upload limit (FUPIN_MAX_UPLOAD_MB,
default 50) is refused, and a workbook (a zip archive) is refused when its parts would expand past
10 × that limit, expand more than 100-fold, or hold more than the archive's directory declares (a
"zip bomb": a few MB that decompress to many GB). The sheet XML is only ever streamed by this module,
never held whole beside the grid calamine builds.
"""

from __future__ import annotations

import csv
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

import charset_normalizer
import fastexcel
import polars as pl

EXCEL_KINDS = ("xlsx", "xls", "ods")
# Rows read with the Python csv module to learn the delimiter and the width of the table.
HEAD_BYTES = 64 * 1024
HEAD_RECORDS = 60
DELIMITERS = (",", "\t", ";", "|")


class UnreadableFile(Exception):
    """The file cannot be read at all (empty, not a table, corrupt, unknown encoding); message in Chinese."""


class FileTooLarge(UnreadableFile):
    """Over the upload limit, or a workbook that would expand too far (message in Chinese)."""


# --- Limits ------------------------------------------------------------------------------------

MAX_UPLOAD_ENV = "FUPIN_MAX_UPLOAD_MB"
DEFAULT_MAX_UPLOAD_MB = 50
EXPANDED_PER_UPLOAD = 10  # a workbook's parts may expand to 10 × the upload limit in all
MAX_COMPRESSION_RATIO = 100  # real sheets compress 5–30-fold; a bomb 1000-fold and more
RATIO_CHECKED_FROM = 1 << 20  # small parts (styles, an empty sheet) may compress very well
MAX_ARCHIVE_MEMBERS = 10_000
_STREAM_CHUNK = 1 << 20


def max_upload_mb() -> int:
    """The upload limit in MB: FUPIN_MAX_UPLOAD_MB when set to a positive whole number, else 50."""
    raw = os.environ.get(MAX_UPLOAD_ENV, "").strip()
    try:
        value = int(raw) if raw else DEFAULT_MAX_UPLOAD_MB
    except ValueError:
        value = DEFAULT_MAX_UPLOAD_MB
    return value if value > 0 else DEFAULT_MAX_UPLOAD_MB


def max_upload_bytes() -> int:
    return max_upload_mb() * 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def check_size(size: int) -> None:
    """Refuse a file over the upload limit (before it is read into memory, where the caller can)."""
    limit = max_upload_bytes()
    if size > limit:
        raise FileTooLarge(
            f"文件有 {_mb(size)} MB，超过上传上限 {max_upload_mb()} MB；请把文件按镇办或年度拆成几个较小的文件分别上传"
            f"（管理员可用环境变量 {MAX_UPLOAD_ENV} 调整上限）"
        )


_BOMB = "这个 Excel 文件解压后过大（{detail}），可能是恶意构造的压缩文件，已拒绝读取；请用 Excel 或 WPS 打开后另存为 .xlsx，或拆分后再上传"


def check_archive(zf: zipfile.ZipFile, data: bytes) -> None:
    """Refuse a workbook whose parts would expand too far — from the archive's directory first, then
    by decompressing each part as a stream (bounded memory) to make sure none holds more than its
    directory entry declares, since calamine believes the stream, not the directory."""
    infos = zf.infolist()
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise FileTooLarge(_BOMB.format(detail=f"含 {len(infos)} 个部件"))
    limit = max_upload_bytes() * EXPANDED_PER_UPLOAD
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise FileTooLarge(_BOMB.format(detail=f"解压后 {_mb(total)} MB，上限 {_mb(limit)} MB"))
    for info in infos:
        if info.file_size >= RATIO_CHECKED_FROM and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise FileTooLarge(_BOMB.format(detail=f"部件 {info.filename[:60]} 压缩比 {ratio}:1"))
    view = memoryview(data)
    for info in infos:
        _check_member_stream(view, info)


def _check_member_stream(view: memoryview, info: zipfile.ZipInfo) -> None:
    header = bytes(view[info.header_offset : info.header_offset + 30])
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise UnreadableFile("Excel 文件已损坏或不完整（可能没有下载或复制完整），无法打开，请重新保存后再上传")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    raw = view[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise UnreadableFile("Excel 文件已损坏（部件大小不一致），无法打开，请重新保存后再上传")
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise UnreadableFile("Excel 文件使用了不支持的压缩方式；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    try:
        for offset in range(0, len(raw), _STREAM_CHUNK):
            pending = raw[offset : offset + _STREAM_CHUNK]
            while pending:
                produced += len(inflater.decompress(pending, _STREAM_CHUNK))
                if produced > info.file_size:
                    raise FileTooLarge(_BOMB.format(detail=f"部件 {info.filename[:60]} 比文件目录中声明的大"))
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        raise UnreadableFile("Excel 文件已损坏或不完整（可能没有下载或复制完整），无法打开，请重新保存后再上传") from None


@dataclass(frozen=True)
class MergedFill:
    """A merged cell spanning several rows of one column whose value was copied into every row."""

    first_row: int  # grid index (0-based) of the merged range's top
    last_row: int
    column: int
    value: str


@dataclass(frozen=True)
class Grid:
    cells: pl.DataFrame  # String columns c0..cN; grid row i is the sheet's row i+1
    kind: str
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    encoding: str | None = None
    # CSV rows (grid index -> field count) wider than the table: a value with an unquoted comma.
    overlong_rows: dict[int, int] = field(default_factory=dict)
    merged_fills: tuple[MergedFill, ...] = ()


def file_kind(data: bytes, file_name: str = "") -> str:
    """'xlsx' | 'xls' | 'ods' | 'csv', decided by content (then by name); raises UnreadableFile."""
    check_size(len(data))
    if not data or (not data[:4096].strip() and not data.strip()):  # a whole-file strip copies it: only when it may be blank
        raise UnreadableFile("文件是空的，没有任何内容")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if {"xl/workbook.xml", "content.xml"} & names:
                    check_archive(zf, data)  # before calamine sees a single byte of it
        except zipfile.BadZipFile:
            raise UnreadableFile("Excel 文件已损坏或不完整（可能没有下载或复制完整），无法打开，请重新保存后再上传") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        if "word/document.xml" in names:
            raise UnreadableFile("这是一个 Word 文档，不是表格；请上传 Excel（.xlsx）或 CSV 文件")
        raise UnreadableFile("这是一个压缩包，不是 Excel 表格；请上传 Excel（.xlsx）或 CSV 文件")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "csv"  # Excel's "Unicode 文本": UTF-16 with a BOM, tab-separated
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if data[:5] == b"%PDF-":
        raise UnreadableFile("这是一个 PDF 文件，不是表格；请上传 Excel（.xlsx）或 CSV 文件")
    if b"\x00" in data[:4096]:
        raise UnreadableFile("这不是 Excel 或 CSV 表格文件（内容是二进制数据），请检查是否选错了文件")
    return "csv"


def sheet_names(data: bytes, file_name: str = "") -> list[str]:
    """Visible sheets of a workbook (empty for CSV)."""
    if file_kind(data, file_name) == "csv":
        return []
    reader = _open_workbook(data)
    hidden = _hidden_sheets(data)
    return [name for name in reader.sheet_names if name not in hidden]


def read_grid(data: bytes, file_name: str = "", sheet: str | None = None) -> Grid:
    kind = file_kind(data, file_name)
    if kind == "csv":
        return _read_csv(data)
    return _read_workbook(data, kind, sheet)


# --- Excel -----------------------------------------------------------------------------------


def _open_workbook(data: bytes):
    try:
        return fastexcel.read_excel(data)
    except Exception as exc:  # calamine reports corrupt or encrypted files in many ways
        if b"EncryptedPackage" in data[:65536] or "password" in str(exc).lower():
            raise UnreadableFile("Excel 文件设置了密码，请取消密码保护后再上传") from None
        raise UnreadableFile("Excel 文件已损坏或格式不对，无法打开；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传") from None


def _read_workbook(data: bytes, kind: str, sheet: str | None) -> Grid:
    reader = _open_workbook(data)
    hidden = _hidden_sheets(data) if kind == "xlsx" else set()
    visible = [n for n in reader.sheet_names if n not in hidden] or list(reader.sheet_names)
    if not visible:
        raise UnreadableFile("Excel 文件中没有工作表")
    if sheet is None:
        sheet = visible[0]
    elif sheet not in reader.sheet_names:
        raise UnreadableFile(f"Excel 文件中没有名为“{sheet}”的工作表（有：{'、'.join(visible)}）")
    try:
        # skip_rows=0 keeps leading empty rows, so grid row i is Excel row i+1.
        frame = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars()
    except Exception:
        raise UnreadableFile(f"工作表“{sheet}”无法读取，文件可能已损坏；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传") from None
    frame = frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})
    fills: tuple[MergedFill, ...] = ()
    if kind == "xlsx" and frame.height:
        frame, fills = _fill_vertical_merges(frame, _merged_ranges(data, sheet))
    return Grid(frame, kind, sheet=sheet, sheets=tuple(visible), merged_fills=fills)


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, tuple[str, bool]]:
    """Sheet name -> (path of its XML part, hidden?) from workbook.xml and its relationships."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for node in book.iter(f"{ns_main}sheet"):
        target = targets.get(node.get(f"{ns_rel}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[node.get("name", "")] = (path, node.get("state") in ("hidden", "veryHidden"))
    return out


def _hidden_sheets(data: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {name for name, (_, hidden) in _sheet_paths(zf).items() if hidden}
    except zipfile.BadZipFile:
        return set()


_SCAN_OVERLAP = 1024  # longer than any tag the scans below look for


def _scan_sheet(data: bytes, sheet: str, pattern: re.Pattern[bytes]):
    """Every match of `pattern` in the sheet's XML, read as a stream of 1 MB chunks (the whole XML
    of a large sheet is never held in memory). Matches are shorter than _SCAN_OVERLAP bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            path = _sheet_paths(zf).get(sheet, ("", False))[0]
            if path not in zf.namelist():
                return
            with zf.open(path) as stream:
                tail = b""
                while True:
                    chunk = stream.read(_STREAM_CHUNK)
                    buffer = tail + chunk
                    # Matches starting in the last _SCAN_OVERLAP bytes may be cut: seen with the next chunk.
                    limit = len(buffer) if not chunk else max(len(buffer) - _SCAN_OVERLAP, 0)
                    for match in pattern.finditer(buffer):
                        if match.start() >= limit:
                            break
                        yield match
                    if not chunk:
                        return
                    tail = buffer[limit:]
    except (zipfile.BadZipFile, KeyError, zlib.error):
        return


_CELL_REF = re.compile(rb"([A-Z]+)(\d+)")
_MERGE_CELL = re.compile(rb'<mergeCell ref="([A-Z]+\d+):([A-Z]+\d+)"')


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _merged_ranges(data: bytes, sheet: str) -> list[tuple[int, int, int, int]]:
    """(first_row, first_col, last_row, last_col), 0-based, of every merged range of the sheet."""
    out = []
    for match in _scan_sheet(data, sheet, _MERGE_CELL):
        (c0, r0), (c1, r1) = (_CELL_REF.fullmatch(part).groups() for part in match.groups())
        out.append((int(r0) - 1, _column_index(c0), int(r1) - 1, _column_index(c1)))
    return out


def _fill_vertical_merges(frame: pl.DataFrame, ranges) -> tuple[pl.DataFrame, tuple[MergedFill, ...]]:
    """People merge a 镇办 or 村 cell over the rows it applies to; every row needs the value."""
    fills = []
    columns = {name: frame[name].to_list() for name in frame.columns}
    for r0, c0, r1, c1 in ranges:
        if c0 != c1 or r1 <= r0 or c0 >= frame.width or r0 >= frame.height:
            continue
        values = columns[f"c{c0}"]
        top = values[r0]
        if top is None:
            continue
        for r in range(r0 + 1, min(r1, frame.height - 1) + 1):
            values[r] = top
        fills.append(MergedFill(r0, min(r1, frame.height - 1), c0, top))
    if not fills:
        return frame, ()
    return pl.DataFrame(columns, schema=frame.schema), tuple(fills)


def numeric_cell_rows(data: bytes, sheet: str | None, column: int) -> set[int]:
    """Grid rows (0-based) whose cell in `column` is stored as a number in an xlsx sheet.

    An 18-digit ID typed into Excel becomes a number and loses its last digits; the string that
    calamine returns cannot show that, the cell type in the sheet XML can."""
    if sheet is None:
        return set()
    letters = _column_letters(column).encode()
    rows = set()
    # A cell without a t="…" attribute holds a number (or is empty, then it has no <v>).
    cell = re.compile(rb'<c r="' + letters + rb'(\d+)"([^>]{0,512}?)(/?)>')
    for match in _scan_sheet(data, sheet, cell):
        attrs, empty = match.group(2), match.group(3)
        if empty or b' t="' in attrs:
            continue
        rows.add(int(match.group(1)) - 1)
    return rows


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column `index` (0 -> A, 26 -> AA)."""
    return _column_letters(index)


# --- CSV -------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding). Strict UTF-8 (with or without BOM), then strict GB18030 (covers GBK and
    GB2312), then charset-normalizer; never a lossy decode, which would corrupt Chinese headers."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableFile("文件按 UTF-16 编码无法读取，请在 Excel 或 WPS 中另存为 .xlsx 后再上传") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8"
        return text, encoding
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableFile("无法识别文件的文字编码；请在 Excel 或 WPS 中另存为“CSV UTF-8”或 .xlsx 后再上传")
    return str(best), best.encoding


def _delimiter(head: str) -> str:
    lines = [line for line in head.splitlines()[:HEAD_RECORDS] if line.strip()]
    return max(DELIMITERS, key=lambda d: (sum(line.count(d) for line in lines), d == ","))


def _head_text(data: bytes) -> str | None:
    """The first HEAD_BYTES characters of UTF-8 `data`, or None when they are not valid UTF-8."""
    head = data[: 4 * HEAD_BYTES + 4]
    for cut in range(4):  # the slice may end inside a character
        try:
            return head[: len(head) - cut].decode("utf-8")[:HEAD_BYTES]
        except UnicodeDecodeError:
            continue
    return None


def _read_utf8_csv(data: bytes) -> Grid | None:
    """The usual case, a UTF-8 file read by polars straight from its bytes: no Python string of the
    whole file (four bytes a character), no re-encoding. polars checks the UTF-8 itself; None when
    the file is not UTF-8 or polars cannot parse it, for _read_csv to take the careful way."""
    start = 0
    while data.startswith(b"\xef\xbb\xbf", start):  # as text.lstrip("\ufeff") in _read_csv
        start += 3
    head = _head_text(data[start:])
    if head is None:
        return None
    delimiter = _delimiter(head)
    width = max((len(r) for r in list(csv.reader(io.StringIO(head), delimiter=delimiter))[:HEAD_RECORDS]), default=0)
    if width == 0:
        return None
    names = [f"c{i}" for i in range(width)]
    padded = (delimiter * (width - 1) + "\n").encode("utf-8") + data[start:]
    try:
        frame = pl.read_csv(padded, has_header=False, infer_schema=False, separator=delimiter, new_columns=names)
    except pl.exceptions.PolarsError:
        return None
    return Grid(frame.slice(1), "csv", encoding="utf-8-sig" if start else "utf-8")


def _read_csv(data: bytes) -> Grid:
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        fast = _read_utf8_csv(data)
        if fast is not None:
            return fast
    text, encoding = decode(data)
    delimiter = _delimiter(text[:HEAD_BYTES])
    head = list(csv.reader(io.StringIO(text[:HEAD_BYTES]), delimiter=delimiter))[:HEAD_RECORDS]
    width = max((len(r) for r in head), default=0)
    if width == 0:
        raise UnreadableFile("文件是空的，没有任何内容")
    names = [f"c{i}" for i in range(width)]
    # A first line of `width` empty fields fixes the column count (title rows are often narrower).
    body = text.lstrip("\ufeff")
    padded = (delimiter * (width - 1) + "\n" + body).encode("utf-8")
    try:
        frame = pl.read_csv(padded, has_header=False, infer_schema=False, separator=delimiter, new_columns=names)
        return Grid(frame.slice(1), "csv", encoding=encoding)
    except pl.exceptions.PolarsError:
        return _read_csv_slowly(body, delimiter, width, encoding)


def _read_csv_slowly(text: str, delimiter: str, width: int, encoding: str) -> Grid:
    """Python's csv module: tolerant of stray quotes; notes rows with more fields than the table."""
    rows, overlong = [], {}
    for i, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if len(record) > width and any(v.strip() for v in record[width:]):
            overlong[i] = len(record)
        cells = [v if v != "" else None for v in record[:width]]
        rows.append(cells + [None] * (width - len(cells)))
    frame = pl.DataFrame(rows, schema={f"c{i}": pl.String for i in range(width)}, orient="row")
    return Grid(frame, "csv", encoding=encoding, overlong_rows=overlong)
