"""Alembic migrations of the data model."""
