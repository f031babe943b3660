"""Organisation and people (S1): center, departments, teams, responsible units, service areas, staff."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel


class Role(models.TextChoices):
    AGENT = "agent", _("话务员")
    TEAM_LEADER = "team_leader", _("班长")
    QA_INSPECTOR = "qa_inspector", _("质检员")
    # Scores the staff's monthly appraisal and is scored by the supervisor (002 考核标准 2、4).
    TRAINING_SPECIALIST = "training_specialist", _("培训专员")
    COUNTER_CLERK = "counter_clerk", _("窗口营业员")
    DEPARTMENT_HEAD = "department_head", _("客服部主任")
    CENTER_DIRECTOR = "center_director", _("中心主任")
    UNIT_STAFF = "unit_staff", _("责任单位人员")
    FIELD_INSPECTOR = "field_inspector", _("稽查员")
    METER_STORE_KEEPER = "meter_store_keeper", _("表库管理员")
    ARCHIVIST = "archivist", _("档案员")
    # Holds the equipment-room keys and consents to copies of public and equipment-room keys (003
    # 钥匙管理规定 3(2)); the property profile's engineering department.
    ENGINEERING_MANAGER = "engineering_manager", _("工程部经理")
    ADMINISTRATOR = "administrator", _("系统管理员")


class Center(TimeStampedModel):
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    hotline = models.CharField(_("服务热线"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("客服中心")
        verbose_name_plural = _("客服中心")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Department(TimeStampedModel):
    center = models.ForeignKey(
        Center, verbose_name=_("客服中心"), on_delete=models.PROTECT, related_name="departments"
    )
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Team(TimeStampedModel):
    """A team or shift (班组/班次): together the teams cover the hotline 24 hours a day."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="teams"
    )
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    shift_start = models.TimeField(_("班次开始"), null=True, blank=True)
    shift_end = models.TimeField(_("班次结束"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("班组")
        verbose_name_plural = _("班组")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Unit(TimeStampedModel):
    """A responsible unit that receives work: branch companies, the inspection team, the discipline
    inspection office, the press office, the leadership."""

    class Kind(models.TextChoices):
        BRANCH = "branch", _("供水分公司")
        INSPECTION = "inspection", _("稽查执法队")
        DISCIPLINE = "discipline", _("纪委监察室")
        PRESS = "press", _("新闻办")
        LEADERSHIP = "leadership", _("中心领导")
        OTHER = "other", _("其他单位")

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    billing_phone = models.CharField(_("营业收费电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ServiceArea(TimeStampedModel):
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    branch = models.ForeignKey(
        Unit,
        verbose_name=_("所属分公司"),
        on_delete=models.PROTECT,
        related_name="service_areas",
        limit_choices_to={"kind": Unit.Kind.BRANCH},
    )
    description = models.CharField(_("范围说明"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务片区")
        verbose_name_plural = _("服务片区")
        ordering = ["code"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of staff. Chinese names are one field; the role decides what they may do (via the
    role's permission group, which an administrator may adjust)."""

    name = models.CharField(_("姓名"), max_length=50)
    employee_no = models.CharField(_("工号"), max_length=20, unique=True, null=True, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("班组"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # The day the person joined the company (入职日期), not the day the account was made: pay moves with
    # the appraisal only from the third calendar month of employment (002 四、4).
    hired_on = models.DateField(_("入职日期"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工")
        ordering = ["employee_no", "username"]
        permissions = [("hand_over_user", _("移交员工的在办事项（离岗、离职）"))]

    def __str__(self):
        return self.name or self.username

    def clean(self):
        # A unit's staff see their unit's customers and work (branch_scope, visible_to): without a unit
        # they would see nothing. Refused here, so that the admin, the staff form and the services
        # (full_clean) all refuse it alike.
        super().clean()
        if self.role == Role.UNIT_STAFF and not self.unit_id:
            raise ValidationError({"unit": "责任单位人员须选择所属单位，否则看不到任何客户和工单"})

    @property
    def role_label(self) -> str:
        return self.get_role_display() if self.role else "未分配角色"


class ApiToken(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    # A token for a temporary integration (a contractor's report tool) should stop working by itself;
    # the PBX middleware's token is meant to last, so the date is optional.
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True, help_text=_("留空表示长期有效"))

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.name}"

    def has_expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class RoleDefaultGrant(models.Model):
    """A default permission once given to a role's group. New apps bring new defaults, which existing
    groups receive on the next migrate; a default an administrator later removed is not given again."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    permission = models.CharField(_("权限"), max_length=150)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色默认权限授予记录")
        verbose_name_plural = _("角色默认权限授予记录")
        constraints = [models.UniqueConstraint(fields=["role", "permission"], name="role_default_once")]

    def __str__(self):
        return f"{self.role}: {self.permission}"
