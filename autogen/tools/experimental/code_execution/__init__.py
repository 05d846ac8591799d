"""A tool that runs Python code written by the model."""

from .python_code_execution import PythonCodeExecutionTool

__all__ = ["PythonCodeExecutionTool"]
