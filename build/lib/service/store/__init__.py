"""Persistence: SQLModel tables, database setup and small repository functions."""
