"""The shop's past, brought in from files: members (with their old cards and
balances), the catalogue, and sales history, from CSV, XLSX or ODS written by
Excel, 1C, MoySklad or an old loyalty system.

values    one cell -> a value of the till's (money, dates, phones, cards), or a coded problem
outcome   what an import did: rows read, imported, updated, skipped, and each row's problem
"""
