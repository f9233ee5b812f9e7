"""Small generated zip bombs shaped like .xlsx files, for the upload-limit tests and the benchmark."""

from __future__ import annotations

import io
import struct
import zipfile

_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
    b' Target="worksheets/sheet1.xml"/></Relationships>'
)
_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    b' Target="xl/workbook.xml"/></Relationships>'
)
_ROW = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
SHEET_PATH = "xl/worksheets/sheet1.xml"


def xlsx_bomb(expanded_mb: int) -> bytes:
    """An .xlsx whose one sheet expands to about `expanded_mb` MB of rows (≈1 MB per GB, deflate's limit)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _RELS)
        with zf.open(SHEET_PATH, "w") as sheet:  # under 2 GB: sizes in the plain header fields
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            block = _ROW * ((1 << 20) // len(_ROW))
            for _ in range(expanded_mb):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def lying_xlsx_bomb(expanded_mb: int, declared: int = 1000) -> bytes:
    """Like xlsx_bomb, but the archive's directory (and the local header) declare the sheet `declared`
    bytes long, so size and ratio look harmless; only decompressing the stream shows the truth."""
    data = bytearray(xlsx_bomb(expanded_mb))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        local = zf.getinfo(SHEET_PATH).header_offset
    data[local + 22 : local + 26] = struct.pack("<I", declared)
    name = SHEET_PATH.encode()
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack("<H", data[central + 28 : central + 30])[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == name:
            data[central + 24 : central + 28] = struct.pack("<I", declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)
