"""Realtime (speech-to-speech) agents; the implementation lives in :mod:`.experimental`."""
