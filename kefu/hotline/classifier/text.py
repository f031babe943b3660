"""Text normalisation and the jieba tokeniser used by the classifier's word features.

This module is referenced by the saved pipeline (the word vectoriser pickles `tokenize` by its import
path), so `tokenize` must keep its name and module."""

import logging
import re
import threading
import unicodedata
from pathlib import Path

import jieba

# jieba announces "Building prefix dict…" on stderr at DEBUG level the first time it segments.
jieba.setLogLevel(logging.WARNING)

USER_DICT = Path(__file__).resolve().parent / "data" / "userdict.txt"

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()

# Phone numbers, account numbers and dates say nothing about the kind of matter but would become
# rare char n-grams; long digit runs collapse to one placeholder. Short numbers stay: "12345" is the
# citizens' hotline and a strong sign of a supervising office.
_LONG_NUMBER = re.compile(r"\d{6,}")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w", re.UNICODE)


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, long digit runs collapsed, whitespace squeezed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _LONG_NUMBER.sub("#", text)
    return _SPACE.sub(" ", text).strip()


def get_tokenizer() -> jieba.Tokenizer:
    """A private jieba tokeniser with the water-utility dictionary, built once per process.

    Private rather than jieba's global one so that the user dictionary does not change how other
    parts of the system (search tokens) segment text."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                tokenizer = jieba.Tokenizer()
                tokenizer.load_userdict(str(USER_DICT))  # also initialises the main dictionary
                _tokenizer = tokenizer
    return _tokenizer


def tokenize(text: str) -> list[str]:
    """jieba words of already-normalised text, without punctuation and spaces."""
    return [word for word in get_tokenizer().lcut(text) if _WORD.search(word)]
