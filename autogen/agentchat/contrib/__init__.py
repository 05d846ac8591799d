"""Contributed agents and capabilities."""
