"""Training the hotline category classifier: data, pipeline, cross-validation and the saved file.

The pipeline is TF-IDF (sublinear tf) over jieba words (1–2 grams) and characters (1–3 grams), into a
multinomial logistic regression whose probabilities serve as the suggestion's confidence."""

import csv
import os
import tempfile
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

STARTER = Path(__file__).resolve().parent / "data" / "starter.tsv"
FILE_FORMAT = 1

# Bounds for a large contact history: the coefficient matrix grows with the vocabulary, and rare
# n-grams seen once in ten years of contacts add size without accuracy. Starter data stays far below.
MAX_WORD_FEATURES = 150_000
MAX_CHAR_FEATURES = 300_000


@dataclass
class TrainedModel:
    pipeline: object
    counts: dict[str, int]
    trained_at: str
    sklearn_version: str
    source: str = "starter"
    # Neither is saved: the fast scoring path is rebuilt from the pipeline, and the stamp is what
    # suggest() compares to notice that the file on disk changed.
    scorer: object = field(default=None, compare=False, repr=False)
    stamp: tuple = field(default=(), compare=False)

    def __post_init__(self):
        if self.scorer is None:
            from kefu.hotline.classifier.scorer import build_scorer

            self.scorer = build_scorer(self.pipeline)

    def probabilities(self, text: str) -> tuple[list[str], list[float]]:
        """The categories and their probabilities for one text."""
        if self.scorer is not None:
            return self.scorer.classes, self.scorer.probabilities(text).tolist()
        return [str(code) for code in self.pipeline.classes_], self.pipeline.predict_proba([text])[0].tolist()


def model_path() -> Path:
    """Where the trained model is saved and loaded: settings.KEFU_CLASSIFIER_PATH, else VAR_DIR."""
    configured = getattr(settings, "KEFU_CLASSIFIER_PATH", None)
    if configured:
        return Path(configured)
    var_dir = getattr(settings, "VAR_DIR", None) or Path(settings.BASE_DIR) / "var"
    return Path(var_dir) / "classifier.joblib"


def read_tsv(path: Path | str) -> list[tuple[str, str]]:
    """(category, text) rows of a `category<TAB>text` file with a header line; blank texts skipped."""
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, record in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)):
            if number == 0 and record and record[0].strip().lower() == "category":
                continue
            if len(record) < 2 or not record[1].strip():
                continue
            rows.append((record[0].strip(), "\t".join(record[1:]).strip()))
    return rows


def starter_rows() -> list[tuple[str, str]]:
    return read_tsv(STARTER)


def contact_rows(*, max_contacts: int | None = None) -> list[tuple[str, str]]:
    """The center's confirmed contacts (the category an agent saved), newest first."""
    from kefu.hotline.models import Contact

    contacts = Contact.objects.filter(category__active=True).order_by("-received_at", "-id")
    if max_contacts is not None:
        contacts = contacts[:max_contacts]
    return [
        (code, matter) for matter, code in contacts.values_list("matter", "category__code") if matter.strip()
    ]


def active_starter_rows() -> list[tuple[str, str]]:
    """Starter rows of the categories active in the database.

    A shipped category an administrator disabled or removed is no longer trained, so it is never
    suggested; a category an administrator added is learnt from its contacts alone."""
    from kefu.hotline.models import Category

    active = set(Category.objects.filter(active=True).values_list("code", flat=True))
    return [row for row in starter_rows() if row[0] in active]


def database_rows(*, max_contacts: int | None = None) -> list[tuple[str, str]]:
    """What the center's model is trained on: active starter rows plus the confirmed contacts."""
    return active_starter_rows() + contact_rows(max_contacts=max_contacts)


def build_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from kefu.hotline.classifier.text import normalize, tokenize

    words = TfidfVectorizer(
        preprocessor=normalize,
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        sublinear_tf=True,
        max_features=MAX_WORD_FEATURES,
    )
    chars = TfidfVectorizer(
        preprocessor=normalize,
        analyzer="char",
        ngram_range=(1, 3),
        sublinear_tf=True,
        max_features=MAX_CHAR_FEATURES,
    )
    # Balanced class weights: a category an administrator has just added has a handful of contacts
    # against hundreds for the shipped ones, and would otherwise never win.
    classifier = LogisticRegression(C=20.0, class_weight="balanced", max_iter=2000)
    return Pipeline([("features", FeatureUnion([("words", words), ("chars", chars)])), ("model", classifier)])


def fit(rows: list[tuple[str, str]], *, source: str = "starter") -> TrainedModel:
    import sklearn
    from threadpoolctl import threadpool_limits

    if len({category for category, _ in rows}) < 2:
        raise ValueError("训练数据至少需要两个类别")
    pipeline = build_pipeline()
    # One BLAS thread: on a busy 2-vCPU server more threads fight each other and the fit takes ten
    # times as long; the solver's work on sparse features gains nothing from them anyway.
    with threadpool_limits(limits=1):
        pipeline.fit([text for _, text in rows], [category for category, _ in rows])
    return TrainedModel(
        pipeline=pipeline,
        counts=dict(sorted(Counter(category for category, _ in rows).items())),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        sklearn_version=sklearn.__version__,
        source=source,
    )


def cross_validate(rows: list[tuple[str, str]], *, folds: int = 5, seed: int = 0) -> float:
    """Mean accuracy over stratified folds of the training rows."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from threadpoolctl import threadpool_limits

    texts = [text for _, text in rows]
    labels = [category for category, _ in rows]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # A newly added category with fewer contacts than folds is tested in some folds only.
        warnings.filterwarnings("ignore", message="The least populated class")
        with threadpool_limits(limits=1):
            scores = cross_val_score(build_pipeline(), texts, labels, cv=splitter)
    return float(scores.mean())


def save(model: TrainedModel, path: Path) -> None:
    """Write the model next to its final place and rename it in, so that a process that loads the
    file while the command runs sees the old model or the new one, never half of one."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FILE_FORMAT,
        "pipeline": model.pipeline,
        "counts": model.counts,
        "trained_at": model.trained_at,
        "sklearn_version": model.sklearn_version,
        "source": model.source,
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(handle)
    try:
        joblib.dump(payload, temporary, compress=3)
        # mkstemp makes the file private; the web server may run as another user than the command.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path) -> TrainedModel:
    """The saved model; ValueError if the file is not one or was made by another scikit-learn."""
    import joblib
    import sklearn

    payload = joblib.load(path)
    if not isinstance(payload, dict) or payload.get("format") != FILE_FORMAT:
        raise ValueError(f"{path} 不是本系统保存的分类模型")
    if payload["sklearn_version"] != sklearn.__version__:
        # Pickles are only guaranteed to load in the scikit-learn release that wrote them.
        raise ValueError(
            f"{path} 由 scikit-learn {payload['sklearn_version']} 训练，当前为 {sklearn.__version__}，"
            "请重新运行 train_classifier"
        )
    return TrainedModel(
        pipeline=payload["pipeline"],
        counts=payload["counts"],
        trained_at=payload["trained_at"],
        sklearn_version=payload["sklearn_version"],
        source=payload.get("source", "file"),
    )
