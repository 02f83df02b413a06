"""The hub's schema steps as frozen PostgreSQL DDL, one module per step.

As for the till (models/migration_steps): a released step never changes; a
change to a hub table is a new step at the end of models.hub.HUB_MIGRATIONS.
Nothing here imports a model class.
"""
