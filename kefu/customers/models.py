"""The customer archive (A1): customers, contact persons, accounts, service points, meters,
contracts, documents, and the log of who read which archive (A3)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import ServiceArea
from kefu.core.models import TimeStampedModel
from kefu.core.validators import format_phone

# A unit's staff without a unit see no customer: no unit has this id (auto ids start at 1), so a
# filter by it matches nothing, wherever branch_scope is used, without a special case in each caller.
NO_BRANCH = 0


def branch_scope(user) -> int | None:
    """The branch whose customers alone this user may see, or None for every customer: unit staff
    see their branch's service areas (NO_BRANCH, which matches nothing, when no unit is set); other
    roles see all. The one place this rule lives."""
    from kefu.accounts.models import Role

    if user.role == Role.UNIT_STAFF and not user.is_superuser:
        return user.unit_id or NO_BRANCH
    return None


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user):
        branch_id = branch_scope(user)
        if branch_id is None:
            return self
        if branch_id == NO_BRANCH:
            return self.none()
        return self.filter(service_area__branch_id=branch_id)

    def annotate_customer_id(self):
        # Lets search treat customers and their related rows (accounts, points) alike.
        return self.annotate(customer_id=models.F("id"))


class Customer(TimeStampedModel):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("个人")
        UNIT = "unit", _("单位")
        CLUSTER = "cluster", _("集群")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("居民身份证")
        CREDIT_CODE = "credit_code", _("统一社会信用代码")
        OTHER = "other", _("其他证件")
        NONE = "", _("未登记")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        SUSPENDED = "suspended", _("暂停用水")
        CANCELLED = "cancelled", _("已销户")

    number = models.CharField(_("客户编号"), max_length=20, unique=True)
    kind = models.CharField(_("客户类型"), max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(_("客户名称"), max_length=100)
    name_pinyin = models.CharField(_("名称拼音"), max_length=300, blank=True, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, editable=False)
    id_type = models.CharField(_("证件类型"), max_length=16, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, help_text=_("只存数字"))
    address = models.CharField(_("地址"), max_length=200)
    # No index of its own: customer_area (service_area, -id) below serves every lookup by area.
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("服务片区"),
        on_delete=models.PROTECT,
        related_name="customers",
        db_index=False,
    )
    household_count = models.PositiveIntegerField(_("户数"), default=1)
    low_income = models.BooleanField(_("低保户"), default=False)
    low_income_certificate = models.CharField(_("低保证号"), max_length=40, blank=True)
    low_income_valid_until = models.DateField(_("低保证有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    opened_on = models.DateField(_("建档日期"), default=date.today)
    note = models.TextField(_("备注"), blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["-id"]
        permissions = [
            ("view_sensitive_customer", "查看完整证件号码和电话"),
            ("export_customer", "导出客户档案"),
            ("import_customer", "批量导入客户档案"),
        ]
        indexes = [
            models.Index(fields=["name"], name="customer_name_prefix", opclasses=["varchar_pattern_ops"]),
            # On PostgreSQL this index also carries id and service_area_id (migration 0004; SQLite has
            # no INCLUDE): initials like wjg are shared by thousands, and a search then reads the index only.
            models.Index(
                fields=["name_initials"], name="customer_initials_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name_pinyin"], name="customer_pinyin_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # Pattern ops: serves id_number = … as well as the prefix search id_number LIKE '3301…%'.
            models.Index(
                fields=["id_number"], name="customer_id_number_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["phone"], name="customer_phone"),
            models.Index(fields=["service_area", "-id"], name="customer_area"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number"],
                condition=~models.Q(id_number=""),
                name="customer_unique_id_number",
            ),
            models.CheckConstraint(
                condition=models.Q(household_count__gte=1), name="customer_households_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.number}）"

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class ContactPerson(TimeStampedModel):
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="contact_persons"
    )
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("关系/职务"), max_length=30, blank=True)
    phone = models.CharField(_("电话"), max_length=20)
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["-is_primary", "id"]
        indexes = [models.Index(fields=["phone"], name="contact_phone")]

    def __str__(self):
        return self.name

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class Account(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        CLOSED = "closed", _("已销户")

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="accounts"
    )
    number = models.CharField(_("户号"), max_length=20, unique=True)
    opened_on = models.DateField(_("开户日期"), default=date.today)
    arrears = models.DecimalField(_("欠费金额（元）"), max_digits=12, decimal_places=2, default=0)
    arrears_since = models.DateField(_("欠费起始"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        ordering = ["number"]
        # The prefix search on number needs no index of its own: on PostgreSQL the unique constraint
        # comes with a varchar_pattern_ops index (…_like), and a second one only slows every insert.
        constraints = [
            models.CheckConstraint(condition=models.Q(arrears__gte=0), name="account_arrears_not_negative")
        ]

    def __str__(self):
        return self.number


class ServicePoint(TimeStampedModel):
    """A connection point (接水点): where the customer's pipe meets the network, with its number."""

    class WaterUse(models.TextChoices):
        RESIDENTIAL = "residential", _("居民生活用水")
        NON_RESIDENTIAL = "non_residential", _("非居民用水")
        SPECIAL = "special", _("特种行业用水")
        FIRE = "fire", _("消防用水")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常供水")
        SUSPENDED = "suspended", _("暂停供水")
        CANCELLED = "cancelled", _("已销户")

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="service_points"
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_points",
    )
    connection_point_no = models.CharField(_("接水点编号"), max_length=30, unique=True)
    address = models.CharField(_("用水地址"), max_length=200)
    service_area = models.ForeignKey(
        ServiceArea, verbose_name=_("服务片区"), on_delete=models.PROTECT, related_name="service_points"
    )
    water_use = models.CharField(
        _("用水性质"), max_length=20, choices=WaterUse.choices, default=WaterUse.RESIDENTIAL
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("接水点")
        verbose_name_plural = _("接水点")
        ordering = ["connection_point_no"]
        # The prefix search on connection_point_no uses the unique constraint's …_like index (see Account).

    def __str__(self):
        return self.connection_point_no


class Meter(TimeStampedModel):
    class SealState(models.TextChoices):
        INTACT = "intact", _("铅封完好")
        BROKEN = "broken", _("铅封破损")
        MISSING = "missing", _("无铅封")

    class Status(models.TextChoices):
        IN_USE = "in_use", _("在用")
        STOPPED = "stopped", _("停走")
        STUCK = "stuck", _("卡滞")
        UNREADABLE = "unreadable", _("表面不清")
        REMOVED = "removed", _("已拆除")

    service_point = models.ForeignKey(
        ServicePoint, verbose_name=_("接水点"), on_delete=models.PROTECT, related_name="meters"
    )
    number = models.CharField(_("表号"), max_length=30, unique=True)
    caliber_dn = models.PositiveSmallIntegerField(_("口径DN"))
    install_date = models.DateField(_("安装日期"))
    seal_state = models.CharField(
        _("铅封状态"), max_length=16, choices=SealState.choices, default=SealState.INTACT
    )
    last_reading = models.DecimalField(
        _("最近读数（m³）"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    last_read_on = models.DateField(_("最近抄表日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_USE)
    # The connection point's area, copied when the meter is saved (no service moves a point to another
    # area): the meters' replacement plan reads a branch's or an area's meters from its own index
    # without joining a million connection points (kefu/meters/selectors_plan.py, docs/PERFORMANCE.md).
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("服务片区"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("水表")
        verbose_name_plural = _("水表")
        ordering = ["service_point", "-install_date"]
        # The replacement plan (kefu/meters/selectors_plan.py): the whole utility's by install date and
        # by caliber range; an area's in service by install date (the caliber read from the index) and
        # by caliber (the unconfigured ones).
        indexes = [
            models.Index(fields=["install_date", "id"], name="meter_install_date"),
            models.Index(fields=["caliber_dn", "install_date"], name="meter_caliber_installed"),
            models.Index(
                fields=["service_area", "install_date", "id"],
                include=["caliber_dn"],
                condition=models.Q(status__in=["in_use", "stopped", "stuck", "unreadable"]),
                name="meter_area_due",
            ),
            models.Index(
                fields=["service_area", "caliber_dn"],
                condition=models.Q(status__in=["in_use", "stopped", "stuck", "unreadable"]),
                name="meter_area_caliber",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(caliber_dn__gte=15, caliber_dn__lte=600), name="meter_caliber_range"
            ),
        ]

    def save(self, *args, **kwargs):
        if self.service_area_id is None and self.service_point_id is not None:
            self.service_area_id = self.service_point.service_area_id
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.number}（DN{self.caliber_dn}）"


class Contract(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXPIRED = "expired", _("已到期")
        TERMINATED = "terminated", _("已解除")

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("合同编号"), max_length=30, unique=True)
    kind = models.CharField(_("合同类型"), max_length=30, default="供用水合同")
    signed_on = models.DateField(_("签订日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")
        ordering = ["-signed_on"]

    def __str__(self):
        return self.number


def document_path(instance, filename):
    return f"documents/{instance.customer_id}/{filename}"


class Document(TimeStampedModel):
    """A paper of the archive: an uploaded document (an ID card copy, a licence…) or a piece of
    correspondence with the customer — a letter, fax, e-mail, a note of a long-distance call or of a
    meeting, from the customer (来) or to them (往) — which 002 客户管理制度 wants kept in the archive
    ("与客户的信函、传真、长话交往…整合在客户档案内"). A note of a call or a meeting may have no file:
    its summary is the record."""

    class Kind(models.TextChoices):
        ID_CARD = "id_card", _("身份证复印件")
        LOW_INCOME = "low_income", _("低保证")
        LICENCE = "licence", _("营业执照")
        PROPERTY = "property", _("房产证明")
        CONTRACT = "contract", _("合同扫描件")
        DRAWING = "drawing", _("图纸")
        INVOICE = "invoice", _("水费发票")
        CORRESPONDENCE = "correspondence", _("往来函件")
        OTHER = "other", _("其他")

    class Channel(models.TextChoices):
        LETTER = "letter", _("信函")
        FAX = "fax", _("传真")
        EMAIL = "email", _("电子邮件")
        PHONE_RECORD = "phone_record", _("长话记录")
        INTERVIEW = "interview", _("面谈记录")
        OTHER = "other", _("其他")
        UPLOAD = "upload", _("上传资料")  # not correspondence: a document handed in or scanned

    class Direction(models.TextChoices):
        INCOMING = "incoming", _("来")
        OUTGOING = "outgoing", _("往")

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("资料类型"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("往来方式"), max_length=16, choices=Channel.choices, default=Channel.UPLOAD)
    direction = models.CharField(_("来往"), max_length=10, choices=Direction.choices, blank=True)
    # The date on the letter (or of the call, the meeting); for an upload, the day it was uploaded.
    dated_on = models.DateField(_("日期"))
    title = models.CharField(_("名称"), max_length=100)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    file = models.FileField(_("文件"), upload_to=document_path, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("资料")
        verbose_name_plural = _("资料")
        ordering = ["-created_at"]
        indexes = [
            # The customer's timeline: their papers newest first (the customer's own FK index serves the
            # archive page's list).
            models.Index(fields=["customer", "-dated_on", "-created_at"], name="document_customer_dated"),
        ]
        constraints = [
            # Correspondence goes one way or the other; an upload has no direction.
            models.CheckConstraint(
                condition=models.Q(channel="upload", direction="")
                | (~models.Q(channel="upload") & ~models.Q(direction="")),
                name="document_direction_with_correspondence",
            ),
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(summary=""), name="document_file_or_summary"
            ),
        ]

    @property
    def is_correspondence(self) -> bool:
        return self.channel != self.Channel.UPLOAD

    def __str__(self):
        return self.title


class CustomerIdsField(models.JSONField):
    """The ids of the customers one response showed, as a JSON list of integers."""


@CustomerIdsField.register_lookup
class IncludesCustomer(models.Lookup):
    """`customer_ids__includes=42`: the list holds 42. PostgreSQL answers `@>` from a GIN index
    (migration 0006); SQLite, which has no JSON containment, looks through json_each."""

    lookup_name = "includes"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.lhs)
        sql = f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = %s)"
        return sql, [*params, int(self.rhs)]

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.lhs)
        return f"{column} @> %s::jsonb", [*params, f"[{int(self.rhs)}]"]


class ArchiveAccessQuerySet(models.QuerySet):
    def of_customer(self, customer):
        """Every read that showed this customer: its archive opened, or among the rows of a list."""
        pk = getattr(customer, "pk", customer)
        return self.filter(
            models.Q(customer_id=pk) | models.Q(customer__isnull=True, customer_ids__includes=pk)
        )


class ArchiveAccess(models.Model):
    """Who read which archive, when and how (A3). One row per response that showed archives: the
    detail page, an API read, a print or download, and every list or panel that shows a customer's
    data unmasked (a clerk's search results, the hotline's history panel, …), with the ids of all the
    customers it showed. `customer` is set when the response showed one customer's archive."""

    class Channel(models.TextChoices):
        PAGE = "page", _("页面")
        API = "api", _("接口")
        EXPORT = "export", _("导出")
        PRINT = "print", _("打印")
        SEARCH = "search", _("查询结果")

    accessed_at = models.DateTimeField(_("时间"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查阅人"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer_ids = CustomerIdsField(_("显示的客户"), default=list, blank=True)
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    path = models.CharField(_("地址"), max_length=200, blank=True)

    objects = ArchiveAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("档案查阅记录")
        verbose_name_plural = _("档案查阅记录")
        ordering = ["-accessed_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-accessed_at"], name="access_customer"),
            models.Index(fields=["user", "-accessed_at"], name="access_user"),
        ]

    def __str__(self):
        return f"{self.user} {self.customer_ids or self.customer_id} {self.accessed_at:%Y-%m-%d %H:%M}"


class ImportBatch(models.Model):
    """One committed batch of an import file, so that a re-run resumes after the last one."""

    file_sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=200)
    batch_no = models.PositiveIntegerField()
    first_line = models.PositiveIntegerField()
    last_line = models.PositiveIntegerField()
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["file_sha256", "batch_no"]
        constraints = [models.UniqueConstraint(fields=["file_sha256", "batch_no"], name="import_batch_once")]

    def __str__(self):
        return f"{self.file_name} #{self.batch_no}"
