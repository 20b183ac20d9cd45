"""Tools that print, as tools written by people do (and a print at import)."""

import sys

from tsact import tool

print("loading printing_tools")


@tool
def shout(word: str) -> str:
    """Print a word, then return it in capitals."""
    print(f"shout was called with {word}")
    print("a warning on stderr", file=sys.stderr)
    return word.upper()


@tool
async def whisper(word: str) -> str:
    """Print a word (from the event loop), then return it in lower case."""
    print(f"whisper was called with {word}")
    return word.lower()
