"""What an archivist holds (ch.8 §6: 档案人员工作变动严格办理档案移交手续): the files in their custody
and the keys they keep. Registered with `platform.register_app(..., holdings=[HOLDING])`: accounts
refuses to deactivate an archivist who still holds any, and the hand-over page
(/org/staff/<id>/hand-over/, the department head or the administrator, accounts.hand_over_user) moves
them with a signed hand-over of the holdings list (`HandOver`, printed as 《档案移交清单》).

Only an archivist (or someone who may file: archives.file_archivefile) may take the archive over. The
hand-over is one `HandOver` row with the list as it stood (catalogue numbers and key labels), signed by
both at once (the page is used with both present), the actor as 监交人 when neither of them; custody
moves in one UPDATE and each file's history gets its 随档案移交 line in one bulk insert, so that an
archive of tens of thousands of files moves in seconds."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.archives.events import DestructionEvents, FileEvents, archives_event
from kefu.archives.models import ArchiveFile, HandOver, Key
from kefu.archives.services.destruction import file_events
from kefu.archives.sources import CH8
from kefu.core.registry import Holding

FILED = ArchiveFile.State.FILED


def _files(user):
    return ArchiveFile.objects.filter(custodian=user, state=FILED)


def _keys(user):
    return Key.objects.filter(custodian=user)


def held(user) -> list[tuple[str, int, str]]:
    url = reverse("archives:custody", args=[user.pk])
    items = [("保管中的档案", _files(user).count(), url), ("保管中的钥匙", _keys(user).count(), url)]
    return [item for item in items if item[1]]


def refuse(successor) -> str:
    if successor.is_active and (
        successor.role == Role.ARCHIVIST or successor.has_perm("archives.file_archivefile")
    ):
        return ""
    return (
        f"{successor}不是档案员，不能接收档案和钥匙（{CH8}6：档案人员工作变动严格办理档案移交手续，"
        "须移交给接任的档案员）"
    )


def holdings_list(hand_over: HandOver) -> tuple[list[str], list[str]]:
    """(catalogue numbers, key labels) of a hand-over's list."""
    files, keys = [], []
    for entry in hand_over.holdings or []:
        if isinstance(entry, list | tuple) and len(entry) == 2:
            (keys if entry[0] == "key" else files).append(str(entry[1]))
        else:
            files.append(str(entry))
    return files, keys


@transaction.atomic
def hand_over(*, actor, from_user, to_user, reason: str) -> int:
    """Everything `from_user` keeps goes to `to_user` with a signed 《档案移交清单》; returns how many
    files and keys moved (0 when there was nothing, and then no hand-over is written)."""
    files = list(
        _files(from_user)
        .select_for_update()
        .order_by("catalogue_number", "pk")
        .values_list("pk", "catalogue_number")
    )
    keys = list(_keys(from_user).select_for_update().order_by("label", "pk").values_list("pk", "label"))
    if not files and not keys:
        return 0
    if why := refuse(to_user):
        raise ValidationError({"to_user": why})
    now = timezone.now()
    witness = actor if getattr(actor, "pk", None) not in (from_user.pk, to_user.pk, None) else None
    record = HandOver.objects.create(
        from_user=from_user,
        to_user=to_user,
        handed_at=now,
        file_count=len(files),
        key_count=len(keys),
        holdings=[["file", number] for _, number in files] + [["key", label] for _, label in keys],
        from_signed_at=now,
        to_signed_at=now,
        witness=witness,
        note=(reason or "").strip()[:200],
    )
    if files:
        # The rows are locked above: the same filter names the same files (no list of ids, which a
        # large archive would push past the database's parameter limit).
        file_events(
            actor=actor,
            files=_files(from_user),
            verb=FileEvents.HANDED_OVER,
            changes={"custodian": [str(from_user), str(to_user)], "hand_over": record.pk},
            note=record.note,
        )
        _files(from_user).update(custodian=to_user, updated_at=now)
    if keys:
        _keys(from_user).update(custodian=to_user, updated_at=now)
    archives_event(
        actor=actor,
        target=record,
        verb=DestructionEvents.HAND_OVER_SIGNED,
        changes={
            "from_user": str(from_user),
            "to_user": str(to_user),
            "witness": str(witness or ""),
            "files": len(files),
            "keys": len(keys),
        },
        note=record.note,
    )
    return len(files) + len(keys)


HOLDING = Holding(name="archives", held=held, hand_over=hand_over, refuse=refuse)
