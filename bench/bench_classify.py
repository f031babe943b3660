"""The hotline category classifier (H3): held-out accuracy, confusion matrix, per-category precision and
recall, and the latency of kefu.hotline.classifier.suggest().

The model is the one suggest() would use: the trained file at KEFU_CLASSIFIER_PATH (or
var/classifier.joblib) when it exists, else the starter data trained in memory. --starter-only ignores
the file, which is what docs/PERFORMANCE.md reports. No database is needed.

    .venv/bin/python bench/bench_classify.py --starter-only
    .venv/bin/python bench/bench_classify.py --heldout path/to/other.tsv --calls 5000 --mistakes
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, setup_django

HELDOUT = ROOT / "kefu" / "hotline" / "classifier" / "data" / "heldout.tsv"
TARGET_MS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="labelled TSV to evaluate on")
    parser.add_argument("--starter-only", action="store_true", help="ignore a saved model file")
    parser.add_argument("--calls", type=int, default=1000, help="timed suggest() calls")
    parser.add_argument("--mistakes", action="store_true", help="list the misclassified held-out texts")
    parser.add_argument("--random-seed", type=int, default=1)
    args = parser.parse_args()

    setup_django()
    from django.conf import settings

    from kefu.hotline import classifier
    from kefu.hotline.classifier import training
    from kefu.hotline.classifier.evaluate import evaluate_file, evaluate_rows

    if args.starter_only:
        settings.KEFU_CLASSIFIER_PATH = Path(tempfile.gettempdir()) / "kefu-bench-no-such-model.joblib"
    print("Machine:", machine())

    started = time.perf_counter()
    model = classifier.current_model()
    loaded = time.perf_counter() - started
    how = "loaded from " + model.stamp[0] if model.stamp[1] is not None else "trained in memory"
    print(
        f"Model: {model.source}, {sum(model.counts.values())} training texts in {len(model.counts)} "
        f"categories, {how} in {loaded:.2f} s (first call, jieba dictionary included)"
    )
    print("Training texts per category:", ", ".join(f"{code} {n}" for code, n in model.counts.items()))

    if args.heldout.exists():
        evaluation = evaluate_file(args.heldout)
        shown = args.heldout.relative_to(ROOT) if args.heldout.is_relative_to(ROOT) else args.heldout
        print(
            f"\nHeld-out accuracy on {shown}: "
            f"{evaluation.accuracy:.1%} ({evaluation.correct}/{evaluation.total})\n"
        )
        print("Confusion matrix (rows: labelled category, columns: suggested):")
        print(evaluation.format_matrix())
        print("\nPer category:")
        print(evaluation.format_per_category())
        if args.mistakes:
            print("\nMisclassified:")
            for expected, predicted, text in evaluation.mistakes:
                print(f"  {expected:>17} → {predicted:<17} {text}")
    else:
        print(f"\nNo held-out file at {args.heldout}; showing cross-checks on the training texts only.")
        evaluation = evaluate_rows(training.starter_rows())
        print(
            f"Accuracy on the training texts themselves (not a measure of quality): {evaluation.accuracy:.1%}"
        )

    texts = [text for _, text in training.starter_rows()]
    rng = random.Random(args.random_seed)
    for text in rng.sample(texts, min(50, len(texts))):
        classifier.suggest(text)  # warm caches: jieba's, numpy's first calls
    # Wall time is what the agent waits for; CPU time is the classifier's own cost, without the waits
    # for a CPU that a busy machine adds (the two differ a lot under load).
    timings, cpu_timings = [], []
    for _ in range(args.calls):
        text = rng.choice(texts)
        started, cpu_started = time.perf_counter(), time.thread_time()
        classifier.suggest(text)
        cpu_timings.append((time.thread_time() - cpu_started) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
    p50, p95, top = percentiles(timings)
    flag = "" if p95 <= TARGET_MS else "  MISSED"
    print(
        f"\nsuggest() latency over {args.calls} calls: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
        f"max {top:.2f} ms (target p95 ≤ {TARGET_MS:.0f} ms){flag}"
    )
    p50, p95, top = percentiles(cpu_timings)
    print(f"suggest() CPU time per call: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {top:.2f} ms")
    print(f"Load average at the end: {os.getloadavg()[0]:.2f}")


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1], ordered[-1]


def machine() -> str:
    import jieba
    import sklearn

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPU × {cpu}, Python {platform.python_version()}, "
        f"scikit-learn {sklearn.__version__}, jieba {jieba.__version__}; "
        f"load average at start {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
