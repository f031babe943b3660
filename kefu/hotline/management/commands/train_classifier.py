"""Retrain the hotline category classifier (H3) from the starter data and the confirmed contacts.

    manage.py train_classifier                 # starter data + contacts, saved where suggest() loads it
    manage.py train_classifier --starter-only  # starter data alone
    manage.py train_classifier --output /tmp/classifier.joblib

Running web workers notice the new file on their next suggestion (suggest() checks its mtime)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.hotline import classifier
from kefu.hotline.classifier import training
from kefu.hotline.classifier.evaluate import category_names, ordered_categories


class Command(BaseCommand):
    help = "训练来电类别建议模型（起步样本 + 已确认的来电登记），打印交叉验证准确率并保存"

    def add_arguments(self, parser):
        parser.add_argument("--starter-only", action="store_true", help="只用起步样本，不读来电登记")
        parser.add_argument("--output", type=Path, help="模型文件路径（默认 KEFU_CLASSIFIER_PATH）")
        parser.add_argument(
            "--max-contacts", type=int, default=200_000, help="最多使用最近的多少条来电登记（默认 200000）"
        )
        parser.add_argument("--folds", type=int, default=5, help="交叉验证折数（默认 5，0 表示不做）")

    def handle(self, *args, starter_only, output, max_contacts, folds, **options):
        if starter_only:
            starter, contacts, source = training.starter_rows(), [], "starter"
        else:
            starter = training.active_starter_rows()
            contacts = training.contact_rows(max_contacts=max_contacts)
            source = "starter+contacts"
        rows = starter + contacts
        categories = {category for category, _ in rows}
        if len(categories) < 2:
            raise CommandError("训练数据不足：至少需要两个启用的类别")
        self.stdout.write(
            f"训练样本 {len(rows)} 条（起步样本 {len(starter)}，来电登记 {len(contacts)}），"
            f"{len(categories)} 个类别"
        )

        if folds:
            started = time.perf_counter()
            accuracy = training.cross_validate(rows, folds=folds)
            self.stdout.write(
                f"{folds} 折交叉验证准确率：{accuracy:.1%}（{time.perf_counter() - started:.1f} 秒）"
            )

        started = time.perf_counter()
        model = training.fit(rows, source=source)
        path = output or training.model_path()
        training.save(model, path)
        elapsed = time.perf_counter() - started

        codes = ordered_categories(set(model.counts))
        names = category_names(codes)
        self.stdout.write("各类别训练样本数：")
        for code in codes:
            self.stdout.write(f"  {names.get(code, code)}（{code}）：{model.counts[code]}")
        self.stdout.write(self.style.SUCCESS(f"模型已保存到 {path}（训练 {elapsed:.1f} 秒）"))
        classifier.reload()
