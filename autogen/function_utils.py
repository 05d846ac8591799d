"""Legacy 0.2 import path: re-exports the schema helpers of `autogen.tools.function_utils`."""

from .tools.function_utils import get_function_schema, load_basemodels_if_needed, serialize_to_str

__all__ = ["get_function_schema", "load_basemodels_if_needed", "serialize_to_str"]
