"""The recording IO stream shared by the agent tests (imported by conftest.py and test modules)."""

from __future__ import annotations


class RecordingStream:
    """An IO stream that keeps events and answers input from a script."""

    def __init__(self, inputs: list[str] | None = None) -> None:
        self.events: list = []
        self.prompts: list[str] = []
        self.inputs = list(inputs or [])

    def print(self, *objects, sep=" ", end="\n", flush=False) -> None:
        self.events.append(("print", sep.join(map(str, objects))))

    def send(self, event) -> None:
        self.events.append(event)

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        self.prompts.append(prompt)
        return self.inputs.pop(0) if self.inputs else ""

    def of_type(self, name: str) -> list:
        return [e for e in self.events if type(e).__name__ == name]
