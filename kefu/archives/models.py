"""The archive room and the key cabinet (D1–D4; seed 000 ch.8 档案管理制度, 003 住户档案管理规定 and
钥匙管理规定). Both are registers of things lent against a signature.

Filing (D1): every finished business (a counter process, a meter replacement or return, an inspection
case, a supply contract, drawings) registers an `ArchiveFile` waiting to be filed, with a filing deadline
by its category; the archivist receives it, checks its content list and gives it a catalogue number
(category-year-sequence from the one counter). Borrowing and reading (D2) are `FileLoan`s; destruction
(D3) a `Destruction` with its list; periodic inspections of the holdings (ch.8 §5) and the archivist's
hand-over (ch.8 §6) are records too. Keys (D4) are `Key`s with their loans, the owners' issues and copy
requests. Nothing is deleted: rows change state, a destroyed file's catalogue entry stays with its
destruction record, and every change is an event in the core log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, Unit
from kefu.core.models import TimeStampedModel
from kefu.customers.models import Customer

PERSON = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    """Archive categories. Each has its rules (retention, filing deadline, confidentiality) in
    `archives/policies_filing.py`, keyed by the code; the catalogue number starts with the prefix
    (`CATALOGUE_PREFIX`)."""

    PROCESS = "process", _("营业业务档案")  # 新装、过户、销户、增容、减容… (ch.8 §1)
    SUPPLY_CONTRACT = "supply_contract", _("供用水合同")
    DRAWING = "drawing", _("施工图纸")
    METER_REPLACEMENT = "meter_replacement", _("换表档案")
    METER_RETURN = "meter_return", _("旧表回收档案")
    INSPECTION = "inspection", _("稽查案卷")
    OWNER = "owner", _("业主档案")  # 003 住户档案: personal papers, never lent or copied
    TENANT = "tenant", _("租户档案")
    OTHER = "other", _("其他文件")


CATALOGUE_PREFIX = {
    Category.PROCESS: "YW",
    Category.SUPPLY_CONTRACT: "HT",
    Category.DRAWING: "TZ",
    Category.METER_REPLACEMENT: "HB",
    Category.METER_RETURN: "JB",
    Category.INSPECTION: "JC",
    Category.OWNER: "YZ",
    Category.TENANT: "ZH",
    Category.OTHER: "QT",
}


class ArchiveFile(TimeStampedModel):
    """One file (案卷): registered when its business finishes, filed (catalogued and numbered) by the
    archive room, lent and returned, and at the end of its retention destroyed — its entry stays."""

    class State(models.TextChoices):
        PENDING = "pending", _("待归档")
        FILED = "filed", _("已归档")
        DESTROYED = "destroyed", _("已销毁")

    category = models.CharField(_("档案类别"), max_length=20, choices=Category.choices)
    catalogue_number = models.CharField(_("档号"), max_length=30, null=True, blank=True, unique=True)
    title = models.CharField(_("案卷题名"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    # The business this file records, "<app>.<model>:<pk>" ("processes.process:12"): one file per
    # business, so a repeated registration returns the file already there.
    subject = models.CharField(_("来源业务"), max_length=60, blank=True)
    source_number = models.CharField(_("业务编号"), max_length=40, blank=True)
    source_url = models.CharField(_("业务链接"), max_length=200, blank=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who must hand the papers in (the archive room chases them, ch.8 §2): a department or a unit.
    department = models.ForeignKey(
        Department,
        verbose_name=_("移交部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("移交单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        PERSON, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_on = models.DateField(_("办结日期"))
    filing_due_on = models.DateField(_("归档期限"))
    filed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    filed_by = models.ForeignKey(
        PERSON, verbose_name=_("归档人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The archivist who holds the file (ch.8 §6: moves only by a signed hand-over).
    custodian = models.ForeignKey(
        PERSON, verbose_name=_("保管人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("存放位置"), max_length=60, blank=True)  # 柜-层-盒
    # Copied from the category's rule when filed, so a later change of the rule does not move old files.
    retention_years = models.PositiveSmallIntegerField(_("保管期限（年，0为永久）"), default=0)
    retention_until = models.DateField(_("保管截止"), null=True, blank=True)
    confidential = models.BooleanField(_("保密（不得借出、复印）"), default=False)
    # Readable only by the holders of this permission (and the archive room): inspection files.
    restricted_to = models.CharField(_("限阅权限"), max_length=60, blank=True)
    item_count = models.PositiveIntegerField(_("卷内文件数"), default=0)
    overdue_alerted = models.BooleanField(_("已发逾期归档提醒"), default=False)
    destroyed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("档案")
        verbose_name_plural = _("档案")
        ordering = ["-id"]
        permissions = [
            ("file_archivefile", "接收归档、编目"),
            ("view_restricted_archivefile", "查看限阅档案目录"),
            ("export_archivefile", "导出档案目录"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"], condition=~Q(subject=""), name="archives_one_file_per_business"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "filing_due_on"], name="archives_file_state_due"),
            models.Index(fields=["customer", "-id"], name="archives_file_customer"),
            models.Index(fields=["category", "state", "-id"], name="archives_file_category"),
            models.Index(fields=["retention_until"], name="archives_file_retention"),
            models.Index(fields=["source_number"], name="archives_file_source_number"),
        ]

    def __str__(self):
        return self.catalogue_number or f"{self.title}（待归档）"


class FileItem(TimeStampedModel):
    """One line of a file's content list (《档案资料清单》). Removing a paper marks the line, never deletes
    it (003 档案变更: the list follows every change)."""

    file = models.ForeignKey(
        ArchiveFile, verbose_name=_("案卷"), on_delete=models.PROTECT, related_name="items"
    )
    position = models.PositiveIntegerField(_("件号"))
    title = models.CharField(_("文件题名"), max_length=200)
    pages = models.PositiveIntegerField(_("页数"), default=1)
    original = models.BooleanField(_("原件"), default=True)
    added_by = models.ForeignKey(
        PERSON, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("撤出时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        PERSON, verbose_name=_("撤出人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.CharField(_("撤出原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("卷内文件")
        verbose_name_plural = _("卷内文件")
        ordering = ["file", "position"]
        constraints = [
            models.UniqueConstraint(fields=["file", "position"], name="archives_item_position_unique"),
        ]


class FileLoan(TimeStampedModel):
    """A request to read or borrow a file (《文件借阅登记表》, 003 档案使用). Reading for one's work is
    registered at once; reading not for work, and every loan, need the manager's approval; a loan is then
    registered by the 客服主任 and signed by the borrower, with a due date."""

    class Kind(models.TextChoices):
        READ = "read", _("查阅")
        LOAN = "loan", _("借出")

    class State(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准待登记")
        REFUSED = "refused", _("不予批准")
        OUT = "out", _("借出中")
        READING = "reading", _("查阅中")
        RETURNED = "returned", _("已归还")
        CANCELLED = "cancelled", _("已撤回")

    file = models.ForeignKey(
        ArchiveFile, verbose_name=_("案卷"), on_delete=models.PROTECT, related_name="loans"
    )
    kind = models.CharField(_("方式"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.REQUESTED)
    borrower = models.ForeignKey(PERSON, verbose_name=_("借阅人"), on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("借阅事由"), max_length=200)
    for_work = models.BooleanField(_("因工作需要"), default=True)
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        PERSON, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        PERSON, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    borrower_signed_at = models.DateTimeField(_("借阅人签字时间"), null=True, blank=True)
    due_on = models.DateField(_("应还日期"), null=True, blank=True)
    returned_at = models.DateTimeField(_("归还时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        PERSON, verbose_name=_("收回人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_alerted = models.BooleanField(_("已发逾期提醒"), default=False)

    class Meta:
        verbose_name = _("档案借阅")
        verbose_name_plural = _("档案借阅")
        ordering = ["-id"]
        permissions = [
            ("approve_fileloan", "审批档案借阅"),
            ("register_fileloan", "登记档案借出与归还"),
        ]
        constraints = [
            # One file is out to one borrower at a time.
            models.UniqueConstraint(fields=["file"], condition=Q(state="out"), name="archives_one_loan_out"),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="archives_loan_state_due"),
            models.Index(fields=["borrower", "-id"], name="archives_loan_borrower"),
        ]


class Destruction(TimeStampedModel):
    """A destruction (D3; ch.8 §7, 003 档案销毁): the appraisal group proposes a list of files past
    retention, the department supervisor reviews, the responsible leader approves, two or more people
    destroy them at the named place and sign the list, and the supervisor re-checks the contents."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("鉴定小组已提出")
        REVIEWED = "reviewed", _("主管已审核")
        APPROVED = "approved", _("领导已批准")
        REFUSED = "refused", _("未获同意")
        DESTROYED = "destroyed", _("已销毁")

    number = models.CharField(_("销毁清册号"), max_length=30, unique=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PROPOSED)
    reason = models.CharField(_("销毁理由"), max_length=300)
    proposed_by = models.ForeignKey(
        PERSON, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("提出时间"))
    appraisal_group = models.ManyToManyField(PERSON, verbose_name=_("鉴定小组"), related_name="+")
    reviewed_by = models.ForeignKey(
        PERSON, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        PERSON, verbose_name=_("批准人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approval_note = models.CharField(_("批准意见"), max_length=200, blank=True)
    place = models.CharField(_("销毁地点"), max_length=100, blank=True)
    destroyed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)
    witnesses = models.ManyToManyField(PERSON, verbose_name=_("在场签字人"), related_name="+", blank=True)
    rechecked_by = models.ForeignKey(
        PERSON, verbose_name=_("复核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rechecked_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("档案销毁")
        verbose_name_plural = _("档案销毁")
        ordering = ["-id"]
        permissions = [
            ("propose_destruction", "提出档案销毁（鉴定小组）"),
            ("review_destruction", "审核档案销毁（部门主管）"),
            ("approve_destruction", "批准档案销毁（分管领导）"),
        ]


class DestructionItem(TimeStampedModel):
    destruction = models.ForeignKey(
        Destruction, verbose_name=_("销毁清册"), on_delete=models.PROTECT, related_name="items"
    )
    file = models.ForeignKey(ArchiveFile, verbose_name=_("案卷"), on_delete=models.PROTECT, related_name="+")
    rechecked = models.BooleanField(_("已复核"), default=False)

    class Meta:
        verbose_name = _("销毁清册条目")
        verbose_name_plural = _("销毁清册条目")
        ordering = ["destruction", "id"]
        constraints = [
            models.UniqueConstraint(fields=["destruction", "file"], name="archives_destruction_item_unique"),
        ]


class HoldingsInspection(TimeStampedModel):
    """A periodic check of the holdings (ch.8 §3–§5: 八防, fire equipment, thermometer and hygrometer,
    air conditioning, files complete): one per period, opened by the job, done with a checklist."""

    period = models.CharField(_("检查周期"), max_length=10, unique=True)  # "2026-12" or "2026Q4"
    due_on = models.DateField(_("应检查日期"))
    # [{"code": "fire", "label": "防火", "ok": true, "note": ""}, …]
    checklist = models.JSONField(_("检查项目"), default=list)
    problems = models.TextField(_("发现的问题"), blank=True)
    done_by = models.ForeignKey(
        PERSON, verbose_name=_("检查人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    reported_to = models.ForeignKey(
        PERSON, verbose_name=_("报告领导"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("库房检查")
        verbose_name_plural = _("库房检查")
        ordering = ["-due_on"]


class HandOver(TimeStampedModel):
    """An archivist's hand-over of the holdings (ch.8 §6): the list as it stood, signed by both."""

    from_user = models.ForeignKey(
        PERSON, verbose_name=_("移交人"), on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(PERSON, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField(_("移交时间"))
    file_count = models.PositiveIntegerField(_("案卷数"))
    key_count = models.PositiveIntegerField(_("钥匙数"), default=0)
    holdings = models.JSONField(_("移交清单"), default=list)  # [catalogue numbers…]
    from_signed_at = models.DateTimeField(_("移交人签字时间"), null=True, blank=True)
    to_signed_at = models.DateTimeField(_("接收人签字时间"), null=True, blank=True)
    witness = models.ForeignKey(
        PERSON, verbose_name=_("监交人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("档案移交")
        verbose_name_plural = _("档案移交")
        ordering = ["-handed_at"]


# ---------------------------------------------------------------- keys (D4, 003 钥匙管理规定)


class Key(TimeStampedModel):
    """A key (or a bunch: one label) in the cabinet. Owners' keys by flat and kind, public doors and
    windows by floor, equipment rooms by equipment (held by 工程部)."""

    class Kind(models.TextChoices):
        OWNER = "owner", _("业主钥匙")
        PUBLIC = "public", _("公共区域门窗钥匙")
        EQUIPMENT = "equipment", _("设施设备房钥匙")

    class OwnerKind(models.TextChoices):
        SECURITY_DOOR = "security_door", _("防盗铁门")
        UNIT_DOOR = "unit_door", _("单元门")
        INDOOR = "indoor", _("室内门")
        INTERCOM = "intercom", _("电子对讲门")
        MAILBOX = "mailbox", _("信报箱")

    class State(models.TextChoices):
        IN_CABINET = "in_cabinet", _("在柜")
        LENT = "lent", _("借出")
        ISSUED = "issued", _("已发放业主")
        LOST = "lost", _("遗失")

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    owner_kind = models.CharField(_("业主钥匙种类"), max_length=16, choices=OwnerKind.choices, blank=True)
    estate = models.CharField(_("小区"), max_length=60)
    building = models.CharField(_("栋号"), max_length=10, blank=True)
    entrance = models.CharField(_("单元"), max_length=10, blank=True)
    floor = models.CharField(_("楼层"), max_length=10, blank=True)
    room = models.CharField(_("房号"), max_length=10, blank=True)
    equipment_room = models.CharField(_("设施设备房"), max_length=60, blank=True)
    label = models.CharField(_("标签"), max_length=80)
    copies = models.PositiveSmallIntegerField(_("把数"), default=1)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.IN_CABINET)
    holder_department = models.CharField(_("保管部门"), max_length=30, default="客户服务部")
    customer = models.ForeignKey(
        Customer, verbose_name=_("业主"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    custodian = models.ForeignKey(
        PERSON,
        verbose_name=_("专职保管人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("钥匙")
        verbose_name_plural = _("钥匙")
        ordering = ["estate", "building", "entrance", "floor", "room", "kind", "owner_kind", "id"]
        permissions = [
            ("lend_key", "登记钥匙借用与归还"),
            ("issue_key", "发放业主钥匙"),
            ("consent_keycopy", "同意配制公共/设备房钥匙（工程部经理）"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "label", "kind", "owner_kind"], name="archives_key_label_unique"
            ),
        ]
        indexes = [models.Index(fields=["state", "kind"], name="archives_key_state_kind")]

    def __str__(self):
        return self.label


class KeyLoan(TimeStampedModel):
    """《房屋钥匙管理记录表》: a key lent for work, never in a private name, with its return due."""

    key = models.ForeignKey(Key, verbose_name=_("钥匙"), on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey(PERSON, verbose_name=_("借用人"), on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("借用事由"), max_length=200)
    work_reference = models.CharField(_("工作单号"), max_length=40, blank=True)
    lent_by = models.ForeignKey(PERSON, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+")
    lent_at = models.DateTimeField(_("借出时间"))
    borrower_signed_at = models.DateTimeField(_("借用人签字时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("应还时间"))
    returned_at = models.DateTimeField(_("归还时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        PERSON, verbose_name=_("收回人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_alerted = models.BooleanField(_("已发逾期提醒"), default=False)

    class Meta:
        verbose_name = _("钥匙借用")
        verbose_name_plural = _("钥匙借用")
        ordering = ["-lent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(returned_at__isnull=True), name="archives_one_key_loan_out"
            ),
        ]
        indexes = [models.Index(fields=["returned_at", "due_at"], name="archives_keyloan_due")]


class KeyIssue(TimeStampedModel):
    """An owner's keys handed over (003 钥匙发放(1)): identity checked first, the owner signs, by kind."""

    customer = models.ForeignKey(Customer, verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    keys = models.ManyToManyField(Key, verbose_name=_("钥匙"), related_name="issues")
    identity_document = models.CharField(_("核验证件"), max_length=30)  # 身份证、入伙通知书…
    identity_number = models.CharField(_("证件号码"), max_length=30)
    identity_checked_by = models.ForeignKey(
        PERSON, verbose_name=_("核验人"), on_delete=models.PROTECT, related_name="+"
    )
    owner_signed_at = models.DateTimeField(_("业主签领时间"))
    issued_at = models.DateTimeField(_("发放时间"))

    class Meta:
        verbose_name = _("业主钥匙发放")
        verbose_name_plural = _("业主钥匙发放")
        ordering = ["-issued_at"]


class KeyCopyRequest(TimeStampedModel):
    """Copying a public or equipment-room key needs the engineering manager's consent (003 ②)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待同意")
        CONSENTED = "consented", _("已同意")
        REFUSED = "refused", _("不同意")
        MADE = "made", _("已配制")

    key = models.ForeignKey(
        Key, verbose_name=_("钥匙"), on_delete=models.PROTECT, related_name="copy_requests"
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.REQUESTED)
    copies = models.PositiveSmallIntegerField(_("配制把数"), default=1)
    reason = models.CharField(_("事由"), max_length=200)
    requested_by = models.ForeignKey(
        PERSON, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        PERSON,
        verbose_name=_("工程部经理"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    made_at = models.DateTimeField(_("配制时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("钥匙配制申请")
        verbose_name_plural = _("钥匙配制申请")
        ordering = ["-id"]
