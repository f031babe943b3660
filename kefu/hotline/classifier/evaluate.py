"""Accuracy, confusion matrix and per-category precision/recall of the classifier on a labelled TSV file
(`category<TAB>text`, header line), for the benchmark and for checking a retrained model."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Short names for the matrix; the database names ("报修（漏水、停水、水压低）") are too wide for a column.
SHORT_NAMES = {
    "consult": "咨询",
    "repair": "报修",
    "billing": "抄表收费",
    "service_complaint": "服务投诉",
    "misconduct": "违规违纪",
    "theft_report": "偷盗水",
    "media": "新闻媒体",
    "supervision": "上级督办",
    "invalid": "无效来电",
}


@dataclass
class Evaluation:
    total: int
    correct: int
    categories: list[str]
    # matrix[i][j]: texts labelled categories[i] that the classifier put in categories[j]
    matrix: list[list[int]]
    names: dict[str, str]
    mistakes: list[tuple[str, str, str]]  # (expected, predicted, text)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def precision(self, category: str) -> float:
        j = self.categories.index(category)
        predicted = sum(row[j] for row in self.matrix)
        return self.matrix[j][j] / predicted if predicted else 0.0

    def recall(self, category: str) -> float:
        i = self.categories.index(category)
        labelled = sum(self.matrix[i])
        return self.matrix[i][i] / labelled if labelled else 0.0

    def name(self, category: str) -> str:
        return self.names.get(category, category)

    def format_matrix(self) -> str:
        """The confusion matrix as text: rows are the true category, columns the suggested one."""
        labels = [self.name(code) for code in self.categories]
        head = max(display_width(label) for label in labels) + 2
        cell = max(6, max(display_width(label) for label in labels) + 1)
        lines = [pad("实际 \\ 建议", head) + "".join(pad(label, cell, right=True) for label in labels)]
        for label, row in zip(labels, self.matrix, strict=True):
            lines.append(pad(label, head) + "".join(pad(str(n), cell, right=True) for n in row))
        return "\n".join(lines)

    def format_per_category(self) -> str:
        head = max(display_width(self.name(code)) for code in self.categories) + 2
        lines = [pad("类别", head) + f"{'样本':>6}{'精确率':>8}{'召回率':>8}"]
        for i, code in enumerate(self.categories):
            lines.append(
                pad(self.name(code), head)
                + f"{sum(self.matrix[i]):>8}{self.precision(code):>11.1%}{self.recall(code):>11.1%}"
            )
        return "\n".join(lines)


def evaluate_rows(rows: list[tuple[str, str]], predict: Callable[[str], str] | None = None) -> Evaluation:
    """Classify every (category, text) row with `predict` (by default suggest()) and tally."""
    if predict is None:
        from kefu.hotline.classifier import suggest

        def predict(text: str) -> str:
            return suggest(text).category

    outcomes = [(expected, predict(text), text) for expected, text in rows]
    categories = ordered_categories({e for e, _, _ in outcomes} | {p for _, p, _ in outcomes})
    position = {code: i for i, code in enumerate(categories)}
    matrix = [[0] * len(categories) for _ in categories]
    for expected, predicted, _ in outcomes:
        matrix[position[expected]][position[predicted]] += 1
    return Evaluation(
        total=len(outcomes),
        correct=sum(1 for expected, predicted, _ in outcomes if expected == predicted),
        categories=categories,
        matrix=matrix,
        names=category_names(categories),
        mistakes=[outcome for outcome in outcomes if outcome[0] != outcome[1]],
    )


def evaluate_file(path: Path | str, predict: Callable[[str], str] | None = None) -> Evaluation:
    from kefu.hotline.classifier.training import read_tsv

    return evaluate_rows(read_tsv(path), predict)


def ordered_categories(codes: set[str]) -> list[str]:
    shipped = [code for code in SHORT_NAMES if code in codes]
    return shipped + sorted(codes - set(shipped))


def category_names(codes: list[str]) -> dict[str, str]:
    """Short names of the shipped categories; for one an administrator added, its name in the database."""
    names = {code: SHORT_NAMES[code] for code in codes if code in SHORT_NAMES}
    others = [code for code in codes if code not in names]
    if others:
        from django.db import DatabaseError

        from kefu.hotline.models import Category

        try:
            names.update(Category.objects.filter(code__in=others).values_list("code", "name"))
        except DatabaseError:
            pass  # no database at hand: the code stands in for the name
    return names


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(0, width - display_width(text))
    return space + text if right else text + space
