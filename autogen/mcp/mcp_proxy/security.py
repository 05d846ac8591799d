"""Security schemes of an OpenAPI spec, as the generated MCP proxy applies them to its requests.

A scheme class (`APIKeyHeader`, `HTTPBearer`, ...) describes what the API expects; it is written
into the generated ``main.py`` (``security=[APIKeyHeader(name="X-Key")]``). Its nested
``Parameters`` class holds the user's credentials and adds them to a request. Credentials reach a
proxy through `MCPProxy.set_security_params`, the ``SECURITY`` environment variable
(`BaseSecurityParameters.to_env`) or the ``authentication`` list of ``mcp_config.json``
(`BaseSecurityParameters.dump`).
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, model_validator

__all__ = [
    "APIKeyCookie",
    "APIKeyHeader",
    "APIKeyQuery",
    "BaseSecurity",
    "BaseSecurityParameters",
    "HTTPBasic",
    "HTTPBearer",
    "OAuth2PasswordBearer",
    "UnsupportedSecurityStub",
]

logger = logging.getLogger(__name__)

_VALID_IN = {
    "apiKey": ("header", "query", "cookie"),
    "http": ("bearer", "basic"),
    "oauth2": ("bearer",),
    "openIdConnect": ("bearer",),
    "mutualTLS": ("tls",),
    "unsupported": ("unsupported",),
}


def _headers(body_dict: dict[str, Any]) -> dict[str, Any]:
    return body_dict.setdefault("headers", {})


class BaseSecurity(BaseModel):
    """A security scheme of the API: its ``type`` and where the credential goes (``in_value``)."""

    type: ClassVar[Literal["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect", "unsupported"]]
    in_value: ClassVar[Literal["header", "query", "cookie", "bearer", "basic", "tls", "unsupported"]]
    name: str

    @model_validator(mode="after")
    def __post_init__(self) -> BaseSecurity:
        """Refuse a class whose ``in_value`` does not fit its ``type``."""
        if self.in_value not in _VALID_IN[self.type]:
            raise ValueError(f"Invalid in_value '{self.in_value}' for type '{self.type}'")
        return self

    def accept(self, security_params: BaseSecurityParameters) -> bool:
        """Whether ``security_params`` are credentials for this scheme."""
        return isinstance(self, security_params.get_security_class())

    @classmethod
    def is_supported(cls, type: str, schema_parameters: dict[str, Any]) -> bool:
        """Whether this class implements the spec's scheme ``type`` with ``schema_parameters``."""
        return cls.type == type and cls.in_value == schema_parameters.get("in")

    @classmethod
    def get_security_class(cls, type: str, schema_parameters: dict[str, Any]) -> type[BaseSecurity]:
        """The class implementing a spec's scheme (`UnsupportedSecurityStub` when none does)."""
        for candidate in _SCHEMES:
            if candidate.is_supported(type, schema_parameters):
                return candidate
        logger.error("Unsupported security scheme type %r with parameters %r", type, schema_parameters)
        return UnsupportedSecurityStub

    @classmethod
    def get_security_parameters(cls, schema_parameters: dict[str, Any]) -> str:
        """Python source constructing this scheme, as written into the generated ``main.py``."""
        return f"{cls.__name__}(name={str(schema_parameters.get('name'))!r})"

    @classmethod
    def parse_security_parameters(cls, unparsed_params: dict[str, Any]) -> BaseSecurityParameters:
        """Credentials from their `BaseSecurityParameters.dump` form (``type``, ``schema_parameters``, values)."""
        params = dict(unparsed_params)
        scheme_type = params.pop("type")
        schema_parameters = params.pop("schema_parameters", {})
        security_class = cls.get_security_class(scheme_type, schema_parameters)
        return security_class.Parameters.model_validate(params)  # type: ignore[attr-defined, no-any-return]

    @classmethod
    def parse_security_parameters_from_env(cls, env: dict[str, str]) -> BaseSecurityParameters:
        """Credentials from the ``SECURITY`` variable of ``env`` (see `BaseSecurityParameters.to_env`)."""
        security_str = env.get("SECURITY")
        if not security_str:
            raise ValueError("No SECURITY variable in the environment: nothing to parse.")
        return cls.parse_security_parameters(json.loads(security_str))


class BaseSecurityParameters(BaseModel):
    """The user's credentials for one kind of scheme; ``apply`` adds them to a request."""

    def apply(self, q_params: dict[str, Any], body_dict: dict[str, Any], security: BaseSecurity) -> None:
        """Add the credentials to the query parameters or to the request's ``headers``/``cookies``."""

    def get_security_class(self) -> type[BaseSecurity]:
        """The scheme class these credentials are for."""
        raise NotImplementedError

    def dump(self) -> dict[str, Any]:
        """The JSON form (``type``, ``schema_parameters`` and the values) read back by `BaseSecurity.parse_security_parameters`."""
        raise NotImplementedError("Subclasses must implement the dump method")

    def to_env(self) -> dict[str, Any]:
        """``{"SECURITY": <dump as JSON>}``: the environment a generated proxy reads its credentials from."""
        return {"SECURITY": json.dumps(self.dump())}


class UnsupportedSecurityStub(BaseSecurity):
    """A scheme the proxy cannot apply (mutual TLS, OpenID Connect, other OAuth2 flows)."""

    type: ClassVar[Literal["unsupported"]] = "unsupported"
    in_value: ClassVar[Literal["unsupported"]] = "unsupported"

    @classmethod
    def is_supported(cls, type: str, schema_parameters: dict[str, Any]) -> bool:
        return False

    def accept(self, security_params: BaseSecurityParameters) -> bool:
        if isinstance(self, security_params.get_security_class()):
            raise RuntimeError("Trying to set UnsupportedSecurityStub params")  # noqa: TRY004 - as ag2
        return False

    class Parameters(BaseSecurityParameters):
        """No credentials: nothing is added to requests."""

        def get_security_class(self) -> type[BaseSecurity]:
            return UnsupportedSecurityStub

        def dump(self) -> dict[str, Any]:
            return {"type": "unsupported"}


class APIKeyHeader(BaseSecurity):
    """An API key sent in the header called ``name``."""

    type: ClassVar[Literal["apiKey"]] = "apiKey"
    in_value: ClassVar[Literal["header"]] = "header"

    class Parameters(BaseSecurityParameters):
        """The API key."""

        value: str = "API_KEY"

        def apply(self, q_params: dict[str, Any], body_dict: dict[str, Any], security: BaseSecurity) -> None:
            _headers(body_dict)[security.name] = self.value

        def get_security_class(self) -> type[BaseSecurity]:
            return APIKeyHeader

        def dump(self) -> dict[str, Any]:
            return {"type": "apiKey", "schema_parameters": {"in": "header"}, **self.model_dump()}


class APIKeyQuery(BaseSecurity):
    """An API key sent as the query parameter called ``name``."""

    type: ClassVar[Literal["apiKey"]] = "apiKey"
    in_value: ClassVar[Literal["query"]] = "query"

    class Parameters(BaseSecurityParameters):
        """The API key."""

        value: str = "API_KEY"

        def apply(self, q_params: dict[str, Any], body_dict: dict[str, Any], security: BaseSecurity) -> None:
            q_params[security.name] = self.value

        def get_security_class(self) -> type[BaseSecurity]:
            return APIKeyQuery

        def dump(self) -> dict[str, Any]:
            return {"type": "apiKey", "schema_parameters": {"in": "query"}, **self.model_dump()}


class APIKeyCookie(BaseSecurity):
    """An API key sent as the cookie called ``name``."""

    type: ClassVar[Literal["apiKey"]] = "apiKey"
    in_value: ClassVar[Literal["cookie"]] = "cookie"

    class Parameters(BaseSecurityParameters):
        """The API key."""

        value: str = "API_KEY"

        def apply(self, q_params: dict[str, Any], body_dict: dict[str, Any], security: BaseSecurity) -> None:
            body_dict.setdefault("cookies", {})[security.name] = self.value

        def get_security_class(self) -> type[BaseSecurity]:
            return APIKeyCookie

        def dump(self) -> dict[str, Any]:
            return {"type": "apiKey", "schema_parameters": {"in": "cookie"}, **self.model_dump()}


class HTTPBearer(BaseSecurity):
    """HTTP bearer authentication: ``Authorization: Bearer <token>``."""

    type: ClassVar[Literal["http"]] = "http"
    in_value: ClassVar[Literal["bearer"]] = "bearer"

    @classmethod
    def is_supported(cls, type: str, schema_parameters: dict[str, Any]) -> bool:
        return cls.type == type and str(schema_parameters.get("scheme", "")).lower() == cls.in_value

    class Parameters(BaseSecurityParameters):
        """The bearer token."""

        value: str = "BEARER_TOKEN"

        def apply(self, q_params: dict[str, Any], body_dict: dict[str, Any], security: BaseSecurity) -> None:
            _headers(body_dict)["Authorization"] = f"Bearer {self.value}"

        def get_security_class(self) -> type[BaseSecurity]:
            return HTTPBearer

        def dump(self) -> dict[str, Any]:
            return {"type": "http", "schema_parameters": {"scheme": "bearer"}, **self.model_dump()}


class HTTPBasic(BaseSecurity):
    """HTTP basic authentication: ``Authorization: Basic base64(user:password)``."""

    type: ClassVar[Literal["http"]] = "http"
    in_value: ClassVar[Literal["basic"]] = "basic"

    @classmethod
    def is_supported(cls, type: str, schema_parameters: dict[str, Any]) -> bool:
        return cls.type == type and str(schema_parameters.get("scheme", "")).lower() == cls.in_value

    class Parameters(BaseSecurityParameters):
        """The user name and password."""

        username: str = "USERNAME"
        password: str = "PASSWORD"

        def apply(self, q_params: dict[str, Any], body_dict: dict[str, Any], security: BaseSecurity) -> None:
            pair = f"{self.username}:{self.password}".encode()
            _headers(body_dict)["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")

        def get_security_class(self) -> type[BaseSecurity]:
            return HTTPBasic

        def dump(self) -> dict[str, Any]:
            return {"type": "http", "schema_parameters": {"scheme": "basic"}, **self.model_dump()}


class OAuth2PasswordBearer(BaseSecurity):
    """OAuth2's password flow: a token fetched from ``token_url`` with the user's name and password,
    then sent as a bearer token."""

    type: ClassVar[Literal["oauth2"]] = "oauth2"
    in_value: ClassVar[Literal["bearer"]] = "bearer"
    token_url: str

    @classmethod
    def is_supported(cls, type: str, schema_parameters: dict[str, Any]) -> bool:
        return type == cls.type and "password" in (schema_parameters.get("flows") or {})

    @classmethod
    def get_security_parameters(cls, schema_parameters: dict[str, Any]) -> str:
        token_url = str(schema_parameters["flows"]["password"]["tokenUrl"])
        if "://" not in token_url:  # relative to the API's server
            server_url = str(schema_parameters.get("server_url") or "")
            token_url = server_url.rstrip("/") + "/" + token_url.lstrip("/")
        return f"{cls.__name__}(name={str(schema_parameters.get('name'))!r}, token_url={token_url!r})"

    class Parameters(BaseSecurityParameters):
        """The user name and password (or a token already obtained)."""

        username: str = "USERNAME"
        password: str = "PASSWORD"
        bearer_token: str | None = None
        token_url: str = "TOKEN_URL"

        def get_token(self, token_url: str) -> str:
            """Ask the token endpoint for an access token (form-encoded user name and password)."""
            import requests

            response = requests.post(token_url, data={"username": self.username, "password": self.password}, timeout=10)
            response.raise_for_status()
            return str(response.json()["access_token"])

        def apply(self, q_params: dict[str, Any], body_dict: dict[str, Any], security: BaseSecurity) -> None:
            if not self.bearer_token:
                token_url = getattr(security, "token_url", None)
                if not token_url:
                    raise ValueError("Token URL is not defined")
                self.bearer_token = self.get_token(token_url)
            _headers(body_dict)["Authorization"] = f"Bearer {self.bearer_token}"

        def get_security_class(self) -> type[BaseSecurity]:
            return OAuth2PasswordBearer

        def dump(self) -> dict[str, Any]:
            return {
                "type": "oauth2",
                "schema_parameters": {"flows": {"password": {"tokenUrl": self.token_url or ""}}},
                "username": self.username,
                "password": self.password,
                "bearer_token": self.bearer_token,
            }


_SCHEMES: tuple[type[BaseSecurity], ...] = (
    APIKeyHeader,
    APIKeyQuery,
    APIKeyCookie,
    HTTPBearer,
    HTTPBasic,
    OAuth2PasswordBearer,
)
