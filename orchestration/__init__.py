"""Alignment Warehouse: the Dagster code location and the warehouse's Python side."""
