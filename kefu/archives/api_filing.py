"""The filing API (D1): search the catalogue, read a file with its content list, register a file (other
systems), file it in, add and remove content lines, move it. Same services, the same visibility
(`permissions.visible_files` / `get_file_for`: a restricted file is a 404 and absent from searches) and
the same Chinese refusals as the pages."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.archives import selectors_filing as selectors
from kefu.archives.models import ArchiveFile, FileItem
from kefu.archives.permissions import get_file_for
from kefu.archives.services import filing as services
from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema
from kefu.customers.models import Customer

router = Router()

CategoryCode = Literal[
    "process",
    "supply_contract",
    "drawing",
    "meter_replacement",
    "meter_return",
    "inspection",
    "owner",
    "tenant",
    "other",
]


class ArchiveFileItemOut(Schema):
    id: int
    position: int
    title: str
    pages: int
    original: bool
    removed_at: datetime | None
    removed_reason: str


class ArchiveFileOut(Schema):
    id: int
    catalogue_number: str | None = Field(None, description="档号（归档后）")
    title: str
    category: str
    category_label: str
    state: str
    state_label: str
    customer_id: int | None
    customer_number: str | None
    customer_name: str | None
    source_number: str
    department: str | None
    unit: str | None
    finished_on: date
    filing_due_on: date
    overdue: bool = Field(..., description="待归档且已过归档期限")
    filed_at: datetime | None
    location: str
    retention_years: int | None = Field(None, description="保管期限（年，0 为永久；归档后才有）")
    retention_until: date | None
    confidential: bool
    restricted: bool
    item_count: int


class ArchiveFileDetailOut(ArchiveFileOut):
    items: list[ArchiveFileItemOut]


class ArchiveFilePageOut(Schema):
    items: list[ArchiveFileOut]
    has_next: bool


class ArchiveFileFilters(Schema):
    q: str = Field("", max_length=50, description="档号或其开头、客户名称或客户编号、案卷题名、业务编号")
    category: CategoryCode | Literal[""] = ""
    state: Literal["", "pending", "filed", "destroyed"] = ""
    year: int | None = Field(None, ge=1900, le=2200, description="办结年度")
    sort: Literal["new", "number", "due", "finished"] = "new"
    page: PageNumber = 1


class ArchiveItemIn(Schema):
    title: str = Field(..., max_length=200, description="文件题名")
    pages: int = Field(1, strict=True, ge=1, le=9999)


class ArchiveFileRegisterIn(Schema):
    category: CategoryCode
    title: str = Field(..., max_length=200)
    subject: str = Field(
        "", max_length=60, description="来源业务（'<系统>.<类型>:<编号>'）；同一业务再次登记返回已登记的档案"
    )
    finished_on: Day
    customer_number: str = Field("", max_length=20, description="客户编号")
    source_number: str = Field("", max_length=40)
    items: list[ArchiveItemIn] = Field(..., min_length=1, max_length=200)


class ArchiveFileInIn(Schema):
    location: str = Field(..., max_length=60, description="存放位置（柜-层-盒）")
    items_checked: list[ObjectId] | None = Field(
        None, max_length=500, description="已清点的卷内文件 id；不传表示全部清点无误"
    )


class ArchiveItemAddIn(Schema):
    title: str = Field(..., max_length=200)
    pages: int = Field(1, strict=True, ge=1, le=9999)
    original: bool = True


class ArchiveItemRemoveIn(Schema):
    reason: str = Field(..., max_length=200, description="撤出原因")


class ArchiveFileMoveIn(Schema):
    location: str = Field(..., max_length=60)


def file_out(f: ArchiveFile, today: date | None = None) -> dict:
    from django.utils import timezone

    today = today or timezone.localdate()
    return {
        "id": f.pk,
        "catalogue_number": f.catalogue_number,
        "title": f.title,
        "category": f.category,
        "category_label": f.get_category_display(),
        "state": f.state,
        "state_label": f.get_state_display(),
        "customer_id": f.customer_id,
        "customer_number": f.customer.number if f.customer_id else None,
        "customer_name": f.customer.name if f.customer_id else None,
        "source_number": f.source_number,
        "department": str(f.department) if f.department_id else None,
        "unit": str(f.unit) if f.unit_id else None,
        "finished_on": f.finished_on,
        "filing_due_on": f.filing_due_on,
        "overdue": f.state == ArchiveFile.State.PENDING and f.filing_due_on < today,
        "filed_at": f.filed_at,
        "location": f.location,
        "retention_years": f.retention_years if f.filed_at else None,
        "retention_until": f.retention_until,
        "confidential": f.confidential,
        "restricted": bool(f.restricted_to),
        "item_count": f.item_count,
    }


def detail_out(f: ArchiveFile) -> dict:
    return {
        **file_out(f),
        "items": [
            {
                "id": i.pk,
                "position": i.position,
                "title": i.title,
                "pages": i.pages,
                "original": i.original,
                "removed_at": i.removed_at,
                "removed_reason": i.removed_reason,
            }
            for i in selectors.items_of(f)
        ],
    }


@router.get("/files", response=ArchiveFilePageOut, summary="档案目录（查找、筛选，分页不计总数）")
def list_files(request, filters: Query[ArchiveFileFilters]):
    require(request.user, "archives.view_archivefile")
    page = selectors.search(
        request.user,
        selectors.CatalogueFilters(
            q=filters.q.strip(),
            category=filters.category,
            state=filters.state,
            year=filters.year,
            sort=filters.sort,
        ),
        page=filters.page,
    )
    return {"items": [file_out(f) for f in page.files], "has_next": page.has_next}


@router.get("/files/{int:id}", response=ArchiveFileDetailOut, summary="档案及其卷内目录")
def read_file(request, id: int):
    return detail_out(get_file_for(request.user, id))


@router.post(
    "/files", response={201: ArchiveFileDetailOut, 200: ArchiveFileDetailOut}, summary="登记待归档档案"
)
def register_file(request, payload: ArchiveFileRegisterIn):
    """Other systems register the file their business leaves (idempotent on `subject`); without a
    subject, only the categories the archivist registers by hand (合同、图纸、业主、租户、其他)."""
    require(request.user, "archives.view_archivefile")
    services.require_filing(request.user)
    customer = None
    if payload.customer_number.strip():
        customer = Customer.objects.filter(number=payload.customer_number.strip().upper()).first()
        if customer is None:
            raise ValidationError({"customer_number": f"客户编号{payload.customer_number.strip()}不存在"})
    items = [(i.title, i.pages) for i in payload.items]
    if payload.subject.strip():
        existing = selectors.file_for_subject(payload.subject.strip())
        file = services.register_file(
            actor=request.user,
            category=payload.category,
            title=payload.title,
            subject=payload.subject.strip(),
            finished_on=payload.finished_on,
            customer=customer,
            department=request.user.department,
            source_number=payload.source_number,
            items=items,
        )
        status = 200 if existing is not None else 201
    else:
        file = services.register_manual(
            actor=request.user,
            category=payload.category,
            title=payload.title,
            finished_on=payload.finished_on,
            customer=customer,
            source_number=payload.source_number,
            items=items,
        )
        status = 201
    return Status(status, detail_out(get_file_for(request.user, file.pk)))


@router.post("/files/{int:id}/file-in", response=ArchiveFileDetailOut, summary="接收归档、编目")
def file_in(request, id: int, payload: ArchiveFileInIn):
    file = get_file_for(request.user, id)
    services.file_in(
        actor=request.user, file=file, location=payload.location, items_checked=payload.items_checked
    )
    return detail_out(get_file_for(request.user, id))


@router.post("/files/{int:id}/items", response={201: ArchiveFileDetailOut}, summary="增加卷内文件")
def add_item(request, id: int, payload: ArchiveItemAddIn):
    file = get_file_for(request.user, id)
    services.add_item(
        actor=request.user, file=file, title=payload.title, pages=payload.pages, original=payload.original
    )
    return Status(201, detail_out(get_file_for(request.user, id)))


@router.post(
    "/files/{int:id}/items/{int:item_id}/remove", response=ArchiveFileDetailOut, summary="撤出卷内文件"
)
def remove_item(request, id: int, item_id: int, payload: ArchiveItemRemoveIn):
    file = get_file_for(request.user, id)
    item = FileItem.objects.filter(file=file, pk=item_id).first()
    if item is None:
        raise ValidationError({"item_id": f"卷内文件不存在：{item_id}"})
    services.remove_item(actor=request.user, item=item, reason=payload.reason)
    return detail_out(get_file_for(request.user, id))


@router.post("/files/{int:id}/move", response=ArchiveFileDetailOut, summary="调整存放位置")
def move_file(request, id: int, payload: ArchiveFileMoveIn):
    file = get_file_for(request.user, id)
    services.move_file(actor=request.user, file=file, location=payload.location)
    return detail_out(get_file_for(request.user, id))
