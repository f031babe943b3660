"""Typed events (issue 12): every verb is named once, in its app's `events.py`, in the one dotted
style with a Chinese label for the timelines; code never writes a verb as a bare string; the data
migration renames every old verb to a verb of the catalogue, and back."""

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kefu.core.events import EventVerbs, verb_label, verb_labels

KEFU = Path(__file__).resolve().parents[2]
RENAME = import_module("kefu.core.migrations.0004_rename_event_verbs_to_dotted")
DOTTED = re.compile(r"^[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*$")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Where a verb is written or filtered on (verb=…, verb__in=…), the argument is a member of an app's
# verbs (HotlineEvents.WORK_ORDER_REOPENED), a table or tuple of them (FOR_ACTION[action],
# POLICY_VERBS), or a constructor's own `verb` parameter: never a string such as "transfer" or
# f"call.{event}". That the tables hold members, not strings, is the next test's business.
VERB_ARGUMENT = re.compile(r"\bverb(?:__\w+)?=([^,)\n]+)")
TYPED = re.compile(r"^(\w+Events\.[A-Z_]+|[A-Z_]+(\[\w+\])?|(str\()?verb\)?)$")
QUOTED = re.compile(r"""["']([a-z_]+\.[a-z_]+)["']""")


def code_lines():
    """(where, line) of the application code: not tests, migrations or the browser tests."""
    for path in sorted(KEFU.rglob("*.py")):
        parts = path.relative_to(KEFU).parts
        if "tests" in parts or "migrations" in parts or parts[0] == "e2e":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield f"{path.relative_to(KEFU)}:{number}", line


def catalogue() -> list[tuple[str, str, str]]:
    verb_labels()  # imports every app's events.py
    return [
        (verbs.__name__, value, str(label))
        for verbs in EventVerbs.__subclasses__()
        for value, label in verbs.choices
    ]


def test_every_app_names_its_verbs_in_one_dotted_style_with_a_chinese_label():
    rows = catalogue()
    owners = {module.__module__.split(".")[1] for module in EventVerbs.__subclasses__()}
    assert {"core", "accounts", "customers", "hotline", "processes", "collection"} <= owners
    assert [value for _owner, value, _label in rows if not DOTTED.match(value)] == []
    values = [value for _owner, value, _label in rows]
    assert len(values) == len(set(values)), "a verb is named by two apps"
    assert [value for _owner, value, label in rows if not CHINESE.search(label)] == []
    assert verb_label("work_order.transferred") == "转办"
    assert verb_label("payment.recorded") == "收费"


def test_code_writes_and_filters_on_typed_verbs_only():
    offenders = [
        f"{where}: {line.strip()}"
        for where, line in code_lines()
        for argument in VERB_ARGUMENT.findall(line)
        if not TYPED.match(argument.strip())
    ]
    assert offenders == []


def test_a_verb_is_spelt_out_only_in_its_apps_events_module():
    verbs = set(verb_labels())
    offenders = [
        f"{where}: {line.strip()}"
        for where, line in code_lines()
        if not where.split(":")[0].endswith("events.py")
        for quoted in QUOTED.findall(line)
        if quoted in verbs
    ]
    assert offenders == []


def test_the_migration_renames_every_old_verb_to_a_verb_of_the_catalogue():
    verbs = set(verb_labels())
    assert set(RENAME.OLD_TO_NEW.values()) <= verbs
    assert not set(RENAME.OLD_TO_NEW) & verbs, "an old verb is still in use"
    assert len(set(RENAME.OLD_TO_NEW.values())) == len(RENAME.OLD_TO_NEW), "two old verbs became one"


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_stored_verbs_are_renamed_and_back():
    # given a log written before the rename: a transfer, a payment and a verb that keeps its name
    before = [("core", RENAME.Migration.dependencies[0][1])]
    after = [("core", RENAME.__name__.rsplit(".", 1)[1])]
    old = _migrate(before)
    Event = old.get_model("core", "Event")
    target = ContentType.objects.get_for_model(ContentType)
    for verb in ("transfer", "collection.payment", "customer.opened"):
        Event.objects.create(verb=verb, target_type_id=target.pk, target_id=1, target_repr="x")

    # when the migration runs, then each old verb has its new name
    new = _migrate(after)
    stored = sorted(new.get_model("core", "Event").objects.values_list("verb", flat=True))
    assert stored == ["customer.opened", "payment.recorded", "work_order.transferred"]

    # and reversed, the old names are back
    back = _migrate(before)
    stored = sorted(back.get_model("core", "Event").objects.values_list("verb", flat=True))
    assert stored == ["collection.payment", "customer.opened", "transfer"]

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # the schema the suite expects
