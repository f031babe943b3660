"""The report documents' verbs: asked for, started, made, failed."""

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs


class ReportEvents(EventVerbs):
    REQUESTED = "report.requested", _("申请生成报表")
    STARTED = "report.started", _("开始生成报表")
    GENERATED = "report.generated", _("报表已生成")
    FAILED = "report.failed", _("报表生成失败")
