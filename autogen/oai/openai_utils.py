"""Old import path (0.2 and ag2): re-exports the config-list helpers of autogen.llm_config.utils and the price table."""

from ..llm_config.utils import (
    DEFAULT_AZURE_API_VERSION,
    NON_CACHE_KEY,
    config_list_from_dotenv,
    config_list_from_json,
    config_list_from_models,
    config_list_gpt4_gpt35,
    config_list_openai_aoai,
    filter_config,
    get_config,
    get_config_list,
    get_first_llm_config,
    get_key,
    is_valid_api_key,
)
from .pricing import OAI_PRICE1K

__all__ = [
    "DEFAULT_AZURE_API_VERSION",
    "NON_CACHE_KEY",
    "OAI_PRICE1K",
    "config_list_from_dotenv",
    "config_list_from_json",
    "config_list_from_models",
    "config_list_gpt4_gpt35",
    "config_list_openai_aoai",
    "filter_config",
    "get_config",
    "get_config_list",
    "get_first_llm_config",
    "get_key",
    "is_valid_api_key",
]
