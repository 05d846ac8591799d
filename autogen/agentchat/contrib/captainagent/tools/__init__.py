"""CaptainAgent's default tool library: ``<category>/<function>.py`` files described in ``tool_description.tsv``."""

__all__: list[str] = []
