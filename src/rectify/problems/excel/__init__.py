"""Excel import and export of the ledger (台账) in the column layout offices use.

`safety` refuses dangerous or malformed files before parsing, `reader` finds the header
row and reads the sheet with python-calamine, `cells` parses what offices type, `importer`
is the import action, `exporter` writes the workbook with XlsxWriter.
"""
