"""数据上报: real files from cooperatives, enterprises and townships into the versioned store.

read (xlsx/csv, any Chinese encoding) -> header (find the header row, drop title/totals rows) ->
mapping (headers -> catalog columns) -> normalize (full-width, 千分位, dates) -> validate (types,
enums, ID checks, references, duplicates, cross-field rules, outliers) -> pipeline (dry run,
commit as one batch) ; templates and the fix-list are generated from the catalog.
"""
