"""Criterion: one evaluation criterion (name, description, accepted values, optional sub-criteria)."""

from __future__ import annotations

import json

from pydantic import BaseModel

__all__ = ["Criterion"]


class Criterion(BaseModel):
    """A criterion of agent evaluation."""

    name: str
    description: str
    accepted_values: list[str]
    sub_criteria: list[Criterion] = []

    @staticmethod
    def parse_json_str(criteria: str) -> list[Criterion]:
        """The criteria of a JSON list of criterion objects."""
        return [Criterion(**item) for item in json.loads(criteria)]

    @staticmethod
    def write_json(criteria: list[Criterion]) -> str:
        """The criteria as a JSON list (indented by 2)."""
        return json.dumps([criterion.model_dump() for criterion in criteria], indent=2)
