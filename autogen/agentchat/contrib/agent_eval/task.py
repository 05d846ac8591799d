"""Task: what is evaluated, with one successful and one failed example response."""

from __future__ import annotations

import json

from pydantic import BaseModel

__all__ = ["Task"]


class Task(BaseModel):
    """A task an agent system performs, with example responses for criteria generation."""

    name: str
    description: str
    successful_response: str
    failed_response: str

    def get_sys_message(self) -> str:
        """The task as the critic and the quantifier are told it."""
        return f"""Task: {self.name}.
        Task description: {self.description}
        Task successful example: {self.successful_response}
        Task failed example: {self.failed_response}
        """

    @staticmethod
    def parse_json_str(task: str) -> Task:
        """The task of a JSON object with the four fields."""
        data = json.loads(task)
        return Task(
            name=data.get("name"),
            description=data.get("description"),
            successful_response=data.get("successful_response"),
            failed_response=data.get("failed_response"),
        )
