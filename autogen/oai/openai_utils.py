"""Old import path (0.2 and ag2): re-exports the config-list helpers of autogen.llm_config.utils, the
price table and the Assistants API helpers."""

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
from .openai_assistants import (
    create_gpt_assistant,
    create_gpt_vector_store,
    detect_gpt_assistant_api_version,
    retrieve_assistants_by_name,
    update_gpt_assistant,
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
    "create_gpt_assistant",
    "create_gpt_vector_store",
    "detect_gpt_assistant_api_version",
    "filter_config",
    "get_config",
    "get_config_list",
    "get_first_llm_config",
    "get_key",
    "is_valid_api_key",
    "retrieve_assistants_by_name",
    "update_gpt_assistant",
]
