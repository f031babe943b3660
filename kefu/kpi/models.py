"""Rollups behind the KPI dashboard and the reports (R1): one row per day and dimension, so that a
year of figures is a few thousand rows to add up, not millions of contacts to scan.

A rollup row is derived data: `kefu.kpi.rollup` recomputes a whole day from the hotline tables and
replaces that day's rows, which is why these rows may be deleted while the records they count never
are. Dimension columns are plain integers, not foreign keys: 0 stands for "none" (an anonymous caller
has no service area, an answered contact no unit) so that the day's key is unique without NULLs, and
recomputing a day never waits on a lock of the archive's tables.

The day of every figure is the day the contact was received: a contact and everything that came of it
(its work order, callbacks and return visits) form a cohort, the same rule the monthly summary (H14)
uses, so the dashboard, the reports and the register always describe the same calls.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransferMeasures(models.Model):
    """H5 of a group of contacts: transfers, how many reached the unit within the policy's minutes,
    and their waits (a day's or a month's contacts, or one agent's)."""

    transfers = models.IntegerField(_("转办"), default=0)
    transfers_on_time = models.IntegerField(_("及时转办"), default=0)
    transfers_timed = models.IntegerField(_("有转办时间"), default=0)
    transfer_wait_seconds = models.FloatField(_("转办用时合计（秒）"), default=0)
    transfer_wait_max = models.FloatField(_("最长转办用时（秒）"), default=0)

    class Meta:
        abstract = True


class ContactMeasures(TransferMeasures):
    """What is counted of a set of contacts: the same columns for a day's rows and a month's."""

    channel = models.CharField(_("渠道"), max_length=12)
    category_id = models.IntegerField(_("类别"))
    area_id = models.IntegerField(_("服务片区"), default=0)
    unit_id = models.IntegerField(_("责任单位"), default=0)

    contacts = models.IntegerField(_("来电来访"), default=0)
    answered = models.IntegerField(_("当即答复"), default=0)
    followed = models.IntegerField(_("坐席跟进"), default=0)
    closed_at_once = models.IntegerField(_("记录后关闭"), default=0)
    transferred = models.IntegerField(_("处理方式为转办"), default=0)
    # W2: work orders, and which of the closed ones were closed by their due time.
    orders = models.IntegerField(_("工单"), default=0)
    orders_closed = models.IntegerField(_("已办结"), default=0)
    orders_closed_late = models.IntegerField(_("超期办结"), default=0)
    # H6: first callbacks against their 24-hour due time, and every attempt's outcome.
    callbacks_due = models.IntegerField(_("应回访"), default=0)
    callbacks_on_time = models.IntegerField(_("按时回访"), default=0)
    callbacks_late = models.IntegerField(_("超时回访"), default=0)
    callbacks_pending = models.IntegerField(_("待回访"), default=0)
    callbacks_done = models.IntegerField(_("回访次数"), default=0)
    callbacks_reached = models.IntegerField(_("联系上"), default=0)
    callbacks_satisfied = models.IntegerField(_("回访满意"), default=0)
    # H7: return visits by result.
    visits_satisfied = models.IntegerField(_("满意"), default=0)
    visits_basically = models.IntegerField(_("基本满意"), default=0)
    visits_dissatisfied = models.IntegerField(_("不满意"), default=0)

    class Meta:
        abstract = True


class ContactDay(ContactMeasures):
    """Contacts of one day by channel × category × service area × unit, with what came of them."""

    day = models.DateField(_("受理日期"))

    class Meta:
        verbose_name = _("来电日汇总")
        verbose_name_plural = _("来电日汇总")
        default_permissions = ("view",)
        permissions = [("view_dashboard", _("查看指标看板"))]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel", "category_id", "area_id", "unit_id"], name="kpi_contactday_key"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.channel} 类别{self.category_id} 片区{self.area_id} 单位{self.unit_id}"


class ContactMonth(ContactMeasures):
    """The same figures summed over a calendar month, kept from the month's ContactDay rows: a year's
    dashboard adds twelve months' rows (a few thousand) instead of 365 days' (a hundred thousand)."""

    month = models.DateField(_("月份"), help_text=_("该月1日"))

    class Meta:
        verbose_name = _("来电月汇总")
        verbose_name_plural = _("来电月汇总")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["month", "channel", "category_id", "area_id", "unit_id"], name="kpi_contactmonth_key"
            )
        ]

    def __str__(self):
        where = f"类别{self.category_id} 片区{self.area_id} 单位{self.unit_id}"
        return f"{self.month:%Y-%m} {self.channel} {where}"


class HourDay(models.Model):
    """Contacts of one day by hour of the day and channel: the shape of the day for staffing."""

    day = models.DateField(_("受理日期"))
    hour = models.PositiveSmallIntegerField(_("时段"))
    channel = models.CharField(_("渠道"), max_length=12)
    contacts = models.IntegerField(_("来电来访"), default=0)

    class Meta:
        verbose_name = _("分时段日汇总")
        verbose_name_plural = _("分时段日汇总")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["day", "hour", "channel"], name="kpi_hourday_key")]

    def __str__(self):
        return f"{self.day} {self.hour}时 {self.channel}"


class AgentDay(TransferMeasures):
    """Each agent's contacts of one day (workload per agent) and the calls the agent took."""

    day = models.DateField(_("日期"))
    agent_id = models.IntegerField(_("坐席"), default=0)
    team_id = models.IntegerField(_("班组"), default=0)
    contacts = models.IntegerField(_("受理"), default=0)
    answered = models.IntegerField(_("当即答复"), default=0)
    calls = models.IntegerField(_("来电振铃"), default=0)
    calls_answered = models.IntegerField(_("接听"), default=0)
    calls_in_time = models.IntegerField(_("三声内接听"), default=0)
    calls_judged = models.IntegerField(_("已判定"), default=0)

    class Meta:
        verbose_name = _("坐席日汇总")
        verbose_name_plural = _("坐席日汇总")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["day", "agent_id", "team_id"], name="kpi_agentday_key")
        ]

    def __str__(self):
        return f"{self.day} 坐席{self.agent_id}"


class Watermark(models.Model):
    """How far the worker has folded changes into the rollups (`rollup.refresh`)."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.DateTimeField()
    days_refreshed = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.name} {self.value}"
