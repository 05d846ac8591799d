"""Pydantic stand-ins for the few ``google-genai`` types a Gemini config entry can hold (``tool_config``),
so a config can be written and validated without the SDK installed.

They follow the SDK's own models (same field names, camelCase aliases, same model settings), so a
value built here converts to the SDK type by ``model_dump``; ``test/oai/test_gemini_types.py`` checks
that every field of the installed SDK's models exists here. Newer fields may be added freely.
"""

from __future__ import annotations

import enum
import warnings
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, alias_generators

__all__ = [
    "CaseInSensitiveEnum",
    "CommonBaseModel",
    "FunctionCallingConfig",
    "FunctionCallingConfigMode",
    "LatLng",
    "RetrievalConfig",
    "ToolConfig",
]


# Base of the Gemini types: camelCase aliases, no unknown fields, bytes as base64 in JSON. (No docstring:
# pydantic would put it in the JSON schema, which must match the SDK's base model's.)
class CommonBaseModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=alias_generators.to_camel,
        populate_by_name=True,
        from_attributes=True,
        protected_namespaces=(),
        extra="forbid",
        arbitrary_types_allowed=True,
        ser_json_bytes="base64",
        val_json_bytes="base64",
        ignored_types=(TypeVar,),
        defer_build=True,
    )

    def to_json_dict(self) -> dict[str, object]:
        """The JSON form, unset fields left out."""
        return self.model_dump(exclude_none=True, mode="json")


class CaseInSensitiveEnum(str, enum.Enum):
    """A string enum that also accepts its values in another case; an unknown value is kept (with a
    warning) rather than refused, as newer API versions add values."""

    @classmethod
    def _missing_(cls, value: Any) -> Any:
        if isinstance(value, str):
            for candidate in (value.upper(), value.lower()):
                if candidate in cls.__members__:
                    return cls.__members__[candidate]
        warnings.warn(f"{value} is not a valid {cls.__name__}", stacklevel=2)
        try:
            unknown = str.__new__(cls, value)
        except TypeError:
            return None
        unknown._name_ = str(value)
        unknown._value_ = value
        return unknown


class FunctionCallingConfigMode(CaseInSensitiveEnum):
    """How the model may call functions."""

    MODE_UNSPECIFIED = "MODE_UNSPECIFIED"
    AUTO = "AUTO"
    ANY = "ANY"
    NONE = "NONE"
    VALIDATED = "VALIDATED"


class LatLng(CommonBaseModel):
    """A WGS84 latitude/longitude pair in degrees."""

    latitude: float | None = Field(default=None, description="Latitude in degrees, in [-90, 90].")
    longitude: float | None = Field(default=None, description="Longitude in degrees, in [-180, 180].")


class FunctionCallingConfig(CommonBaseModel):
    """Function calling settings of a request."""

    allowed_function_names: list[str] | None = Field(
        default=None, description="With mode ANY: the functions the model may call."
    )
    mode: FunctionCallingConfigMode | None = Field(default=None, description="The function calling mode.")
    stream_function_call_arguments: bool | None = Field(
        default=None, description="Stream a call's arguments in parts (Vertex AI only)."
    )


class RetrievalConfig(CommonBaseModel):
    """Retrieval settings of a request."""

    lat_lng: LatLng | None = Field(default=None, description="The user's location.")
    language_code: str | None = Field(default=None, description="The user's language code.")


class ToolConfig(CommonBaseModel):
    """Settings shared by all the tools of a request."""

    retrieval_config: RetrievalConfig | None = Field(default=None, description="Retrieval settings.")
    function_calling_config: FunctionCallingConfig | None = Field(
        default=None, description="Function calling settings."
    )
    include_server_side_tool_invocations: bool | None = Field(
        default=None, description="Whether the server reports the tool invocations it ran."
    )
