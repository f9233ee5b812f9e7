"""Exports for the city and province: the 项目汇总表 workbook (xlsx), the 进度报告 (docx) and CSV.

`tables` declares what goes into the summary (one entry per sheet); `xlsx`, `docx` and `csv` write
it; `names` gives places and file names; `summary` is what the CLI and the 导出 page call.
"""
