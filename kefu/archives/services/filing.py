"""Filing (D1; seed 000 ch.8 §1–§2, 003 住户档案管理规定 4–5).

- `register_file`: the one place a finished business leaves its file (counter processes, meter
  replacements and returns, inspection cases call it in their own transaction; the archivist registers
  supply contracts, drawings and other papers by hand through `register_manual`). The file waits to be
  filed (待归档) with its filing deadline, `archives.filing_days.<category>` working days after the
  business finished, and its content list (《档案资料清单》). One file per business (`subject`).
- `file_in`: the archivist receives the papers, checks every line of the content list (003 2(2)C:
  认真清点、验收), places the file (柜-层-盒) and gives it its catalogue number
  `<prefix>-<year>-<000001>` from the one counter; the retention of the category's rule at that moment
  is copied onto the file.
- `add_item` / `remove_item`: the content list follows every change (003 4 档案变更); a paper taken out
  is marked with its reason, never deleted.
- `move_file`: a new place in the store.
- `run_due`: files still pending after their filing deadline are alerted, once each, to those who must
  hand them in and to the archivists (ch.8 §2: the archive room chases timely filing).
"""

import logging
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.archives.events import FileEvents, archives_event
from kefu.archives.models import CATALOGUE_PREFIX, ArchiveFile, Category, FileItem
from kefu.archives.policies_filing import filing_days_key, retention_key
from kefu.core.alerts import send_alert
from kefu.core.calendar import SHANGHAI, add_working_days
from kefu.core.numbering import next_number, year_period
from kefu.core.policies import policy

logger = logging.getLogger(__name__)

ALERT_KINDS: dict[str, str] = {"archives.filing_overdue": "档案逾期未归档"}
# What the archivist registers by hand; the other categories come from their business (a counter
# process, a meter replacement or return, an inspection case) through `register_file`.
MANUAL_CATEGORIES = (
    Category.SUPPLY_CONTRACT,
    Category.DRAWING,
    Category.OWNER,
    Category.TENANT,
    Category.OTHER,
)
FILE_PERMISSION = "archives.file_archivefile"
# Files alerted per pass of the worker (the rest wait for the next pass, a minute later).
OVERDUE_BATCH = 500


# ---------------------------------------------------------------- rules


def filing_days(category: str) -> int:
    return int(policy(filing_days_key(category)))


def retention_years(category: str) -> int:
    return int(policy(retention_key(category)))


def is_confidential(category: str) -> bool:
    return category in policy("archives.confidential_categories")


def working_days_after(day: date, working_days: int) -> date:
    """The working day `working_days` after `day` on the center's calendar (调休 included)."""
    start = datetime.combine(day, time(12, 0), tzinfo=SHANGHAI)
    return add_working_days(start, working_days).deadline_date


def retention_end(finished_on: date, years: int) -> date | None:
    """Retention counts in whole years from 1 January after the business finished (the usual rule of
    archive keeping: 自文件形成的次年1月1日起算): a file of 2019 kept 5 years may go at the end of 2024.
    0 years = permanent, no end."""
    if not years:
        return None
    return date(finished_on.year + years, 12, 31)


# ---------------------------------------------------------------- checks
def may_file(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(FILE_PERMISSION))


def require_filing(user) -> None:
    if not may_file(user):
        raise PermissionDenied("只有档案室（档案员）可以接收归档和变更卷内目录")


def _text(value, field: str, label: str, *, most: int = 200, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise ValidationError({field: f"请填写{label}"})
    if len(text) > most:
        raise ValidationError({field: f"{label}不能超过{most}个字"})
    return text


def _pages(value, field: str = "pages") -> int:
    try:
        pages = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: "页数应为1至9999的整数"}) from None
    if isinstance(value, bool) or not 1 <= pages <= 9999:
        raise ValidationError({field: "页数应为1至9999的整数"})
    return pages


def _items(items) -> list[tuple[str, int]]:
    """Titles, or (title, pages) pairs, checked."""
    lines = []
    for entry in items or ():
        if isinstance(entry, list | tuple):
            title, pages = (entry[0], entry[1]) if len(entry) > 1 else (entry[0], 1)
        else:
            title, pages = entry, 1
        lines.append((_text(title, "items", "卷内文件题名"), _pages(pages, "items")))
    return lines


def _check_category(category: str) -> str:
    if category not in Category.values:
        raise ValidationError({"category": f"档案类别“{category}”不存在"})
    return category


def _locked(file: ArchiveFile) -> ArchiveFile:
    return ArchiveFile.objects.select_for_update().get(pk=file.pk)


def _require_not_destroyed(file: ArchiveFile) -> None:
    if file.state == ArchiveFile.State.DESTROYED:
        raise ValidationError({"state": f"档案{file}已销毁，不能再变更（销毁记录保留其目录）"})


# ---------------------------------------------------------------- registration


@transaction.atomic
def register_file(
    *,
    actor,
    category: str,
    title: str,
    subject: str,
    finished_on,
    customer=None,
    department=None,
    unit=None,
    source_number: str = "",
    source_url: str = "",
    items=(),
    restricted_to: str = "",
):
    """CONTRACT (used by processes, meters, inspection): register the file a finished business leaves,
    waiting to be filed (state 待归档), with its filing deadline from the category's rule and its content
    list (`items`: titles, or (title, pages) pairs). Idempotent on `subject` ("<app>.<model>:<pk>"):
    a second call returns the file already registered. Confidentiality follows the category's rule;
    `restricted_to` names the permission a reader needs besides the catalogue (inspection files)."""
    category = _check_category(category)
    subject = _text(subject, "subject", "来源业务", most=60, required=False)
    if subject:
        existing = ArchiveFile.objects.filter(subject=subject).first()
        if existing is not None:
            return existing
    title = _text(title, "title", "案卷题名")
    if not isinstance(finished_on, date):
        raise ValidationError({"finished_on": "请填写业务办结日期"})
    if isinstance(finished_on, datetime):
        finished_on = (
            timezone.localdate(finished_on) if timezone.is_aware(finished_on) else finished_on.date()
        )
    lines = _items(items)
    file = ArchiveFile(
        category=category,
        title=title,
        subject=subject,
        source_number=_text(source_number, "source_number", "业务编号", most=40, required=False),
        source_url=_text(source_url, "source_url", "业务链接", required=False),
        customer=customer,
        department=department,
        unit=unit,
        registered_by=actor,
        finished_on=finished_on,
        filing_due_on=working_days_after(finished_on, filing_days(category)),
        confidential=is_confidential(category),
        restricted_to=_text(restricted_to, "restricted_to", "限阅权限", most=60, required=False),
        item_count=len(lines),
    )
    try:
        with transaction.atomic():  # a concurrent registration of the same business wins: return its file
            file.save()
    except IntegrityError:
        if subject:
            existing = ArchiveFile.objects.filter(subject=subject).first()
            if existing is not None:
                return existing
        raise
    FileItem.objects.bulk_create(
        [
            FileItem(file=file, position=n, title=line_title, pages=pages, added_by=actor)
            for n, (line_title, pages) in enumerate(lines, start=1)
        ]
    )
    archives_event(
        actor=actor,
        target=file,
        verb=FileEvents.REGISTERED,
        changes={
            "category": str(Category(category).label),
            "title": title,
            "source_number": file.source_number,
            "filing_due_on": file.filing_due_on.isoformat(),
            "items": [line_title for line_title, _ in lines],
        },
    )
    return file


@transaction.atomic
def register_manual(
    *,
    actor,
    category: str,
    title: str,
    finished_on,
    customer=None,
    source_number: str = "",
    items=(),
) -> ArchiveFile:
    """The archivist registers papers no business registers for (supply contracts signed outside the
    counter's processes, drawings, owners' and tenants' papers, other files)."""
    require_filing(actor)
    category = _check_category(category)
    if category not in MANUAL_CATEGORIES:
        names = "、".join(str(Category(c).label) for c in MANUAL_CATEGORIES)
        raise ValidationError(
            {
                "category": f"“{Category(category).label}”由业务办结时自动登记，不能手工登记；"
                f"可手工登记的类别：{names}"
            }
        )
    if not isinstance(finished_on, date):
        raise ValidationError({"finished_on": "请填写形成日期（YYYY-MM-DD）"})
    if finished_on > timezone.localdate():
        raise ValidationError({"finished_on": "形成日期不能晚于今天"})
    if not _items(items):
        raise ValidationError({"items": "请至少登记一件卷内文件（《档案资料清单》）"})
    return register_file(
        actor=actor,
        category=category,
        title=title,
        subject="",
        finished_on=finished_on,
        customer=customer,
        department=getattr(actor, "department", None),
        source_number=source_number,
        items=items,
    )


# ---------------------------------------------------------------- filing


def catalogue_number(category: str, day: date) -> str:
    """`<prefix>-<year>-<6-digit sequence>` from the one counter, a series per category and year."""
    sequence = next_number(f"archives.{category}", year_period(day))
    return f"{CATALOGUE_PREFIX[Category(category)]}-{day.year}-{sequence:06d}"


def active_items(file: ArchiveFile):
    return file.items.filter(removed_at__isnull=True).order_by("position")


@transaction.atomic
def file_in(*, actor, file: ArchiveFile, location: str, items_checked=None) -> ArchiveFile:
    """接收归档、编目: every line of the content list checked against the papers received
    (`items_checked`: the ids of the lines found; None = all confirmed), the place in the store
    (柜-层-盒), the catalogue number and the retention of the category's rule today."""
    require_filing(actor)
    file = _locked(file)
    if file.state != ArchiveFile.State.PENDING:
        raise ValidationError({"state": f"档案当前状态为“{file.get_state_display()}”，不能再接收归档"})
    location = _text(location, "location", "存放位置（柜-层-盒）", most=60)
    lines = list(active_items(file))
    if not lines:
        raise ValidationError({"items": "卷内目录为空：请先登记卷内文件，清点无误后再归档"})
    if items_checked is not None:
        checked = {int(pk) for pk in items_checked}
        missing = [line for line in lines if line.pk not in checked]
        if missing:
            names = "、".join(f"{line.position}.{line.title}" for line in missing[:10])
            raise ValidationError(
                {
                    "items_checked": f"卷内文件未全部清点验收：{names}。"
                    "缺少的材料请先撤出（写明原因）或补齐后再归档（住户档案管理规定：接收时认真清点、验收）"
                }
            )
    now = timezone.now()
    today = timezone.localdate(now)
    years = retention_years(file.category)
    file.catalogue_number = catalogue_number(file.category, today)
    file.state = ArchiveFile.State.FILED
    file.location = location
    file.filed_at, file.filed_by, file.custodian = now, actor, actor
    file.retention_years = years
    file.retention_until = retention_end(file.finished_on, years)
    file.confidential = file.confidential or is_confidential(file.category)
    file.save(
        update_fields=[
            "catalogue_number",
            "state",
            "location",
            "filed_at",
            "filed_by",
            "custodian",
            "retention_years",
            "retention_until",
            "confidential",
            "updated_at",
        ]
    )
    archives_event(
        actor=actor,
        target=file,
        verb=FileEvents.FILED,
        changes={
            "catalogue_number": file.catalogue_number,
            "location": location,
            "retention": f"{years}年" if years else "永久",
            "retention_until": file.retention_until.isoformat() if file.retention_until else "",
            "items": len(lines),
            "late": today > file.filing_due_on,
        },
    )
    return file


@transaction.atomic
def add_item(*, actor, file: ArchiveFile, title: str, pages=1, original: bool = True) -> FileItem:
    require_filing(actor)
    file = _locked(file)
    _require_not_destroyed(file)
    title = _text(title, "title", "卷内文件题名")
    pages = _pages(pages)
    position = (file.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = FileItem.objects.create(
        file=file, position=position, title=title, pages=pages, original=bool(original), added_by=actor
    )
    old = file.item_count
    file.item_count = old + 1
    file.save(update_fields=["item_count", "updated_at"])
    archives_event(
        actor=actor,
        target=file,
        verb=FileEvents.ITEM_ADDED,
        changes={
            "item": f"{position}.{title}（{pages}页{'' if original else '，复印件'}）",
            "item_count": [old, file.item_count],
        },
    )
    return item


@transaction.atomic
def remove_item(*, actor, item: FileItem, reason: str) -> FileItem:
    require_filing(actor)
    file = _locked(item.file)
    _require_not_destroyed(file)
    item = FileItem.objects.select_for_update().get(pk=item.pk)
    if item.removed_at is not None:
        raise ValidationError({"item": f"卷内文件“{item.title}”已于{item.removed_at:%Y-%m-%d}撤出"})
    reason = _text(reason, "reason", "撤出原因")
    item.removed_at, item.removed_by, item.removed_reason = timezone.now(), actor, reason
    item.save(update_fields=["removed_at", "removed_by", "removed_reason", "updated_at"])
    old = file.item_count
    file.item_count = max(old - 1, 0)
    file.save(update_fields=["item_count", "updated_at"])
    archives_event(
        actor=actor,
        target=file,
        verb=FileEvents.ITEM_REMOVED,
        changes={"item": f"{item.position}.{item.title}", "item_count": [old, file.item_count]},
        note=reason,
    )
    return item


@transaction.atomic
def move_file(*, actor, file: ArchiveFile, location: str) -> ArchiveFile:
    require_filing(actor)
    file = _locked(file)
    if file.state != ArchiveFile.State.FILED:
        raise ValidationError({"location": "只有已归档的档案才能调整存放位置"})
    location = _text(location, "location", "存放位置（柜-层-盒）", most=60)
    if location == file.location:
        raise ValidationError({"location": f"存放位置未变（{location}）"})
    old = file.location
    file.location = location
    file.save(update_fields=["location", "updated_at"])
    archives_event(actor=actor, target=file, verb=FileEvents.MOVED, changes={"location": [old, location]})
    return file


# ---------------------------------------------------------------- the job


def overdue_recipients(file: ArchiveFile) -> list:
    """Who must hand the papers in (the department's or unit's staff, and whoever registered the
    business) and the archive room."""
    who = Q(role=Role.ARCHIVIST)
    if file.department_id:
        who |= Q(department_id=file.department_id)
    if file.unit_id:
        who |= Q(unit_id=file.unit_id)
    if file.registered_by_id:
        who |= Q(pk=file.registered_by_id)
    return list(User.objects.filter(who, is_active=True))


def _claim(file_id: int) -> bool:
    return bool(
        ArchiveFile.objects.filter(pk=file_id, state=ArchiveFile.State.PENDING, overdue_alerted=False).update(
            overdue_alerted=True, updated_at=timezone.now()
        )
    )


def run_due(now) -> list[str]:
    """Files past their filing deadline still pending: one alert per file (a conditional UPDATE on
    `overdue_alerted` claims it, so two workers or a second pass alert once)."""
    today = timezone.localdate(now)
    ids = list(
        ArchiveFile.objects.filter(
            state=ArchiveFile.State.PENDING, filing_due_on__lt=today, overdue_alerted=False
        )
        .order_by("filing_due_on", "pk")
        .values_list("pk", flat=True)[:OVERDUE_BATCH]
    )
    lines = []
    for pk in ids:
        with transaction.atomic():
            if not _claim(pk):
                continue
            file = ArchiveFile.objects.select_related("department", "unit").get(pk=pk)
            handed_by = file.unit or file.department
            message = (
                f"{file.title}：应于{file.filing_due_on:%Y-%m-%d}前移交档案室归档，已逾期"
                f"（{Category(file.category).label}，归档期限{filing_days(file.category)}个工作日）"
            )
            send_alert(
                recipients=overdue_recipients(file),
                kind="archives.filing_overdue",
                message=message,
                url=reverse("archives:file", args=[file.pk]),
                subject=f"archives.archivefile:{file.pk}",
            )
            archives_event(
                actor=None,
                target=file,
                verb=FileEvents.OVERDUE_FLAGGED,
                changes={"filing_due_on": file.filing_due_on.isoformat(), "department": str(handed_by or "")},
            )
        lines.append(f"档案逾期未归档：{file.title}（{handed_by or '未指定移交部门'}）")
    return lines
