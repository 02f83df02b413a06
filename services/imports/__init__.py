"""The shop's past, brought in from files: members (with their old cards and
balances), the catalogue, and sales history, from CSV, XLSX or ODS written by
Excel, 1C, MoySklad or an old loyalty system.

files     an owner's file as a table: CSV streamed (encoding, separator, header found), workbooks; the rejects file
columns   the fields of each kind, headers recognised (RU, RO, EN, 1C, MoySklad), mappings remembered per source
runner    one flow for the wizard and `main.py import`: inspect, preview, run_import
values    one cell -> a value of the till's (money, dates, phones, cards), or a coded problem
outcome   what an import did: rows read, imported, updated, skipped, and each row's problem
"""
