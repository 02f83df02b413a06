"""The till's schema steps as frozen SQL, one module per step.

A step is history: once released, its text never changes, whatever the
models in models/schema.py become.  A later change to a table is a new step
(explicit DDL, or playhouse.migrate operations for a column), never an edit
here.  Nothing in this package imports a model class.

Steps 1-3 are the statements peewee ran for the models as they stood when
the steps were frozen (create_tables, safe=True: hence IF NOT EXISTS), in the
order it ran them.
"""
