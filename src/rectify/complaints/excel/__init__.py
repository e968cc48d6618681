"""Excel import and export of complaints (信访举报件) in the column layout offices use.

Builds on the ledger's Excel package (rectify.problems.excel): its safety checks run before
any parser sees a file; its sheet reader (which streams), header matching, cell parsers,
row/column error type and streaming workbook writer are used here as they are. `columns` is
the complaints' column table, `rows` turns one row into complaint data, `importer` is the
import action, `exporter` writes the office summary workbook.
"""
