"""Suggests the category of a hotline contact from what the caller said (H3, issue 3 item 3).

    from kefu.hotline.classifier import suggest
    suggest("喂，我家突然没水了，也没看到停水通知")  # Suggestion(category="repair", confidence=0.8…)

The model is the file `manage.py train_classifier` saves (starter data plus the center's confirmed
contacts) at settings.KEFU_CLASSIFIER_PATH, or VAR_DIR/classifier.joblib. Without that file the first
call trains on the starter data in memory (about a second) and keeps it for the process. Importing
this package loads nothing: jieba and scikit-learn come in on the first call.

The file's modification time is checked on every call (one stat), so web workers pick up a retrained
model without a restart."""

import logging
import os
import threading
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

ALTERNATIVES = 2

_model = None
_lock = threading.Lock()


@dataclass(frozen=True)
class Suggestion:
    category: str
    confidence: float
    alternatives: list[dict] = field(default_factory=list)


def suggest(text: str) -> Suggestion:
    """The most likely category code for `text`, its probability and the next two."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("请先填写来电事项，再获取类别建议")
    classes, probabilities = _current_model().probabilities(text)
    ranked = sorted(zip(probabilities, classes, strict=True), reverse=True)
    (confidence, category), rest = ranked[0], ranked[1 : 1 + ALTERNATIVES]
    return Suggestion(
        category=category,
        confidence=confidence,
        alternatives=[{"category": code, "confidence": p} for p, code in rest],
    )


def current_model():
    """The model suggest() uses now (loaded or trained if needed): its counts, source, trained_at."""
    return _current_model()


def reload() -> None:
    """Drop the cached model; the next call loads the file again, or retrains from the starter set."""
    global _model
    with _lock:
        _model = None


def _stamp(path) -> tuple:
    try:
        return (str(path), os.stat(path).st_mtime_ns)
    except OSError:
        return (str(path), None)


def _current_model():
    global _model
    from kefu.hotline.classifier.training import model_path

    stamp = _stamp(model_path())
    model = _model
    if model is not None and model.stamp == stamp:
        return model
    with _lock:
        if _model is not None and _model.stamp == stamp:
            return _model
        _model = _load_or_train(stamp)
        return _model


def _load_or_train(stamp: tuple):
    from pathlib import Path

    from kefu.hotline.classifier import training

    path, mtime = stamp
    model = None
    if mtime is not None:
        try:
            model = training.load(Path(path))
        except Exception:
            # A broken or outdated file must not take the hotline's suggestions down with it.
            logger.exception("Cannot load the classifier from %s; training on the starter data instead", path)
    if model is None:
        model = training.fit(training.starter_rows(), source="starter")
    model.stamp = stamp
    return model
