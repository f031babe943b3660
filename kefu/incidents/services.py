"""Every write to incidents, each with its event in one transaction (issue 13 item 5).

declare_incident (a leader) · promote_outage (a planned outage becomes an incident) · suspect_incident
(the worker, see jobs.py) · confirm_incident / dismiss_incident · change_answer · link_contact (one
click on the workspace: the caller's contact answered with the agreed answer) · close_incident (the
final answer on every linked contact, callbacks queued for those who asked)."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import ServiceArea, Unit, User
from kefu.core.alerts import send_alert
from kefu.core.numbering import next_number
from kefu.core.policies import policy
from kefu.hotline.models import Category, Contact
from kefu.hotline.services.answered_contacts import give_final_answer, queue_callback
from kefu.hotline.services.contacts import open_contact
from kefu.incidents import events
from kefu.incidents.models import Incident, IncidentContact
from kefu.incidents.permissions import LEAD
from kefu.incidents.roles import LEADER_ROLES
from kefu.knowledge.models import PlannedOutage

S = Incident.State
ANSWER_MAX = 2000


def _require_lead(actor) -> None:
    if not actor.has_perm(LEAD):
        raise PermissionDenied("只有班长、客服部主任或中心主任可以发布、确认和关闭突发事件")


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _number(at: datetime) -> str:
    year = timezone.localtime(at).year
    return f"TF{year}-{next_number('incidents.incident', str(year)):04d}"


def _check(
    *,
    kind: str,
    title: str,
    service_areas,
    streets: str,
    started_at: datetime | None,
    expected_restoration_at: datetime | None,
    agreed_answer: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    now = timezone.now()
    if kind not in Incident.Kind.values:
        errors["kind"] = "请选择事件类型：计划外停水、爆管、水质或其他"
    if not title:
        errors["title"] = "请填写事件名称，如“解放路DN300爆管”"
    if not service_areas and not streets:
        errors["service_areas"] = "请选择影响片区或填写影响街道/小区（按来电地址匹配）"
    if started_at is None:
        errors["started_at"] = "请填写发生时间"
    elif started_at > now + timedelta(minutes=5):
        errors["started_at"] = "发生时间不能晚于现在"
    if started_at and expected_restoration_at and expected_restoration_at <= started_at:
        errors["expected_restoration_at"] = "预计恢复时间应晚于发生时间"
    if not agreed_answer:
        errors["agreed_answer"] = "请填写统一答复口径（话务员向来电客户宣读的内容）"
    elif len(agreed_answer) > ANSWER_MAX:
        errors["agreed_answer"] = f"统一答复口径不能超过{ANSWER_MAX}字"
    return errors


@transaction.atomic
def declare_incident(
    *,
    actor: User,
    kind: str,
    title: str,
    agreed_answer: str,
    started_at: datetime | None = None,
    service_areas: list[ServiceArea] | None = None,
    streets: str = "",
    cause: str = "",
    expected_restoration_at: datetime | None = None,
    responsible_unit: Unit | None = None,
    planned_outage: PlannedOutage | None = None,
) -> Incident:
    """A leader declares an open incident; the agents see it on the workspace at once."""
    _require_lead(actor)
    now = timezone.now()
    title, streets, cause = (title or "").strip(), (streets or "").strip(), (cause or "").strip()
    agreed_answer = (agreed_answer or "").strip()
    started_at = _aware(started_at) or now
    expected_restoration_at = _aware(expected_restoration_at)
    service_areas = list(service_areas or [])
    errors = _check(
        kind=kind,
        title=title,
        service_areas=service_areas,
        streets=streets,
        started_at=started_at,
        expected_restoration_at=expected_restoration_at,
        agreed_answer=agreed_answer,
    )
    if responsible_unit is not None and not responsible_unit.active:
        errors["responsible_unit"] = f"{responsible_unit}已停用"
    if planned_outage is not None and planned_outage.incidents.exclude(state=S.DISMISSED).exists():
        errors["planned_outage"] = f"计划停水「{planned_outage}」已转为突发事件"
    if errors:
        raise ValidationError(errors)
    if responsible_unit is None and len({a.branch_id for a in service_areas}) == 1:
        responsible_unit = service_areas[0].branch  # one branch's areas: that branch answers for it
    incident = Incident.objects.create(
        number=_number(now),
        kind=kind,
        title=title[:200],
        state=S.OPEN,
        source=Incident.Source.PLANNED_OUTAGE if planned_outage else Incident.Source.LEADER,
        streets=streets[:300],
        cause=cause,
        started_at=started_at,
        expected_restoration_at=expected_restoration_at,
        agreed_answer=agreed_answer,
        responsible_unit=responsible_unit,
        planned_outage=planned_outage,
        declared_by=actor,
        declared_at=now,
    )
    incident.service_areas.set(service_areas)
    events.incident_declared_event(
        actor=actor,
        incident=incident,
        changes={
            "kind": incident.get_kind_display(),
            "service_areas": "、".join(a.name for a in service_areas),
            "streets": streets,
            "agreed_answer": agreed_answer,
        },
        note=f"由计划停水「{planned_outage}」转入" if planned_outage else "",
    )
    _tell_unit(incident, "incidents.declared", f"突发事件{incident.number}：{incident.title}，请组织处置")
    return incident


def outage_defaults(outage: PlannedOutage) -> dict:
    """The incident form filled from a planned outage (H12), for the leader to check and submit."""
    return {
        "kind": Incident.Kind.UNPLANNED_OUTAGE
        if outage.kind == PlannedOutage.Kind.EMERGENCY_REPAIR
        else Incident.Kind.OTHER,
        "title": outage.title,
        "service_areas": list(outage.service_areas.all()),
        "streets": outage.affected_addresses[:300],
        "cause": outage.reason,
        "started_at": outage.starts_at,
        "expected_restoration_at": outage.ends_at,
        "agreed_answer": outage.notice or f"{outage.reason}，预计{outage.window_display}恢复供水，敬请谅解。",
        "planned_outage": outage,
    }


@transaction.atomic
def promote_outage(*, actor: User, outage: PlannedOutage, **overrides) -> Incident:
    """A planned outage that now brings calls becomes an incident with its areas, window and notice."""
    if outage.status != PlannedOutage.Status.PUBLISHED:
        raise ValidationError({"planned_outage": f"计划停水「{outage}」已取消，不能转为突发事件"})
    data = outage_defaults(outage)
    data.update({k: v for k, v in overrides.items() if v not in (None, "", [])})
    return declare_incident(actor=actor, **data)


def alert(*, recipients, kind: str, message: str, incident: Incident) -> int:
    return send_alert(
        recipients=recipients,
        kind=kind,
        message=message,
        url=reverse("incidents:detail", args=[incident.pk]),
        subject=f"incidents.incident:{incident.pk}",
    )


def _leaders() -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=LEADER_ROLES).order_by("id"))


def _unit_people(unit: Unit | None) -> list[User]:
    if unit is None:
        return []
    return list(User.objects.filter(is_active=True, unit=unit).order_by("id"))


def _tell_unit(incident: Incident, kind: str, message: str) -> None:
    alert(
        recipients=_unit_people(incident.responsible_unit),
        kind=kind,
        message=message,
        incident=incident,
    )


@transaction.atomic
def suspect_incident(*, service_area: ServiceArea, contacts: list[Contact], now: datetime) -> Incident:
    """The worker: N repair contacts from one area within M minutes look like one outage. A suspected
    incident is declared for the leaders to confirm or dismiss; the workspace shows it meanwhile."""
    minutes = policy("incidents.auto_window_minutes")
    first = min(c.received_at for c in contacts)
    incident = Incident.objects.create(
        number=_number(now),
        kind=Incident.Kind.UNPLANNED_OUTAGE,
        title=f"{service_area.name}疑似停水或爆管（{minutes}分钟内{len(contacts)}件报修）",
        state=S.SUSPECTED,
        source=Incident.Source.SYSTEM,
        cause="系统按报修来电数量发现，待班长确认",
        started_at=first,
        agreed_answer=(
            f"您好，{service_area.name}部分区域供水异常，我们已通知供水分公司前往查看处理，"
            "恢复时间确定后将及时告知，给您带来不便敬请谅解。"
        ),
        responsible_unit=service_area.branch,
    )
    incident.service_areas.set([service_area])
    numbers = "、".join(c.number for c in contacts[:10]) + ("等" if len(contacts) > 10 else "")
    events.incident_suspected_event(
        incident=incident,
        changes={"service_areas": service_area.name, "contacts": len(contacts)},
        note=f"{minutes}分钟内报修{len(contacts)}件（规则：incidents.auto_contacts、incidents.auto_window_minutes）：{numbers}",
    )
    alert(
        recipients=_leaders(),
        kind="incidents.suspected",
        message=(
            f"{service_area.name}{minutes}分钟内收到{len(contacts)}件报修，"
            f"系统发布疑似突发事件{incident.number}，请确认或排除"
        ),
        incident=incident,
    )
    return incident


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)


@transaction.atomic
def confirm_incident(
    *, actor: User, incident: Incident, agreed_answer: str = "", expected_restoration_at=None, cause: str = ""
) -> Incident:
    _require_lead(actor)
    incident = _lock(incident)
    if incident.state != S.SUSPECTED:
        raise ValidationError(
            {"state": f"突发事件{incident.number}当前为「{incident.get_state_display()}」，无需确认"}
        )
    changes = {"state": [incident.get_state_display(), str(S.OPEN.label)]}
    answer = (agreed_answer or "").strip()
    if answer and answer != incident.agreed_answer:
        changes["agreed_answer"] = [incident.agreed_answer, answer]
        incident.agreed_answer, incident.answer_version = answer, incident.answer_version + 1
    expected_restoration_at = _aware(expected_restoration_at)
    if expected_restoration_at is not None:
        if expected_restoration_at <= incident.started_at:
            raise ValidationError({"expected_restoration_at": "预计恢复时间应晚于发生时间"})
        incident.expected_restoration_at = expected_restoration_at
    if (cause or "").strip():
        incident.cause = cause.strip()
    incident.state, incident.declared_by, incident.declared_at = S.OPEN, actor, timezone.now()
    incident.save()
    events.incident_confirmed_event(actor=actor, incident=incident, changes=changes)
    _tell_unit(
        incident, "incidents.declared", f"突发事件{incident.number}已确认：{incident.title}，请组织处置"
    )
    return incident


@transaction.atomic
def dismiss_incident(*, actor: User, incident: Incident, reason: str) -> Incident:
    """A suspected incident that is not one (scattered leaks, one building's pipe). Its linked
    contacts keep their answer; nothing is deleted."""
    _require_lead(actor)
    incident = _lock(incident)
    if incident.state != S.SUSPECTED:
        raise ValidationError(
            {"state": f"只有疑似突发事件可以排除，{incident.number}当前为「{incident.get_state_display()}」"}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写排除原因"})
    incident.state, incident.dismiss_reason = S.DISMISSED, reason.strip()
    incident.save()
    events.incident_dismissed_event(actor=actor, incident=incident, note=incident.dismiss_reason)
    return incident


@transaction.atomic
def change_answer(
    *, actor: User, incident: Incident, agreed_answer: str, expected_restoration_at=None, note: str = ""
) -> Incident:
    """A new agreed answer (and restoration time) while the incident is live; the old text stays in
    the event, and the version number tells agents the text changed."""
    _require_lead(actor)
    incident = _lock(incident)
    if not incident.is_live:
        raise ValidationError(
            {
                "agreed_answer": f"突发事件{incident.number}已{incident.get_state_display()}，"
                "不能再修改答复口径"
            }
        )
    answer = (agreed_answer or "").strip()
    if not answer:
        raise ValidationError({"agreed_answer": "统一答复口径不能为空"})
    if len(answer) > ANSWER_MAX:
        raise ValidationError({"agreed_answer": f"统一答复口径不能超过{ANSWER_MAX}字"})
    expected_restoration_at = _aware(expected_restoration_at)
    if expected_restoration_at is not None and expected_restoration_at <= incident.started_at:
        raise ValidationError({"expected_restoration_at": "预计恢复时间应晚于发生时间"})
    changes = {}
    if answer != incident.agreed_answer:
        changes["agreed_answer"] = [incident.agreed_answer, answer]
        incident.agreed_answer, incident.answer_version = answer, incident.answer_version + 1
    if expected_restoration_at is not None and expected_restoration_at != incident.expected_restoration_at:
        old = incident.restoration_display
        incident.expected_restoration_at = expected_restoration_at
        changes["expected_restoration_at"] = [old, incident.restoration_display]
    if not changes:
        return incident
    incident.save()
    events.incident_answer_changed_event(
        actor=actor, incident=incident, changes=changes, note=(note or "").strip()
    )
    return incident


def default_category() -> Category | None:
    codes = policy("incidents.auto_categories")
    return Category.objects.filter(code__in=codes, active=True).order_by("sort_order").first()


def linked_result(incident: Incident) -> str:
    return f"已按突发事件{incident.number}统一答复口径告知：{incident.agreed_answer}"[:2000]


@transaction.atomic
def link_contact(
    *, actor: User, incident: Incident, wants_callback: bool = False, **contact_fields
) -> IncidentContact:
    """One click on the workspace: the caller's contact is recorded with the hotline's own service as
    answered with the agreed answer, and linked to the incident instead of a branch order."""
    incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
    if not incident.is_live:
        raise ValidationError(
            {
                "incident": f"突发事件{incident.number}已{incident.get_state_display()}，"
                "不能再关联来电，请按常规受理"
            }
        )
    fields = dict(contact_fields)
    fields["category"] = fields.get("category") or default_category()
    if fields["category"] is None:
        raise ValidationError({"category": "请选择来电类别"})
    if not (fields.get("matter") or "").strip():
        fields["matter"] = f"来电反映{incident.get_kind_display()}：{incident.title}"
    fields["disposition"] = Contact.Disposition.ANSWERED
    fields["result"] = linked_result(incident)
    for ignored in ("unit", "new_matter", "link_repeat"):
        fields.pop(ignored, None)
    if fields.get("service_area") is None and incident.service_areas.count() == 1:
        fields["service_area"] = incident.service_areas.get()
    contact = open_contact(actor=actor, **fields)
    existing = IncidentContact.objects.filter(contact=contact).first()
    if existing is not None:  # the same request again (idempotency key, call id): one link
        return existing
    if getattr(contact, "work_order", None) is not None and not getattr(contact, "replayed", False):
        raise ValidationError({"disposition": "关联突发事件的来电按统一口径答复，不再转办"})
    link = IncidentContact.objects.create(
        incident=incident,
        contact=contact,
        wants_callback=bool(wants_callback),
        linked_by=actor,
        linked_at=timezone.now(),
    )
    events.contact_linked_event(actor=actor, link=link, note="客户要求恢复后回电" if wants_callback else "")
    return link


@transaction.atomic
def close_incident(
    *, actor: User, incident: Incident, final_answer: str, closed_at: datetime | None = None
) -> Incident:
    """Supply restored: the final answer goes on every linked contact (an event each), and each caller
    who asked to be called back gets a callback in the hotline's queue."""
    _require_lead(actor)
    incident = _lock(incident)
    if not incident.is_live:
        raise ValidationError({"state": f"突发事件{incident.number}已{incident.get_state_display()}"})
    final_answer = (final_answer or "").strip()
    now = timezone.now()
    closed_at = _aware(closed_at) or now
    errors = {}
    if not final_answer:
        errors["final_answer"] = "请填写最终答复（恢复情况、原因），将作为所有关联来电的答复"
    elif len(final_answer) > ANSWER_MAX:
        errors["final_answer"] = f"最终答复不能超过{ANSWER_MAX}字"
    if closed_at > now + timedelta(minutes=5):
        errors["closed_at"] = "恢复时间不能晚于现在"
    elif closed_at < incident.started_at:
        errors["closed_at"] = "恢复时间不能早于发生时间"
    if errors:
        raise ValidationError(errors)
    incident.state, incident.final_answer = S.CLOSED, final_answer
    incident.closed_at, incident.closed_by = closed_at, actor
    incident.save()
    answer = f"突发事件{incident.number}已恢复：{final_answer}"[:2000]
    links = list(incident.links.select_related("contact__agent", "contact__category").order_by("id"))
    callbacks = 0
    for link in links:
        give_final_answer(
            actor=actor, contact=link.contact, answer=answer, note=f"突发事件{incident.number}恢复"
        )
        link.answered_at = now
        if link.wants_callback and link.callback_order_id is None:
            link.callback_order = queue_callback(
                actor=actor,
                contact=link.contact,
                answer=answer,
                note=f"突发事件{incident.number}恢复后回电客户",
            )
            callbacks += 1
        link.save(update_fields=["answered_at", "callback_order", "updated_at"])
        events.contact_answered_event(actor=actor, link=link, note=final_answer[:200])
    events.incident_closed_event(
        actor=actor,
        incident=incident,
        changes={"state": [str(S.OPEN.label), str(S.CLOSED.label)], "final_answer": final_answer},
        note=f"关联来电{len(links)}件，待回电{callbacks}件",
    )
    _tell_unit(incident, "incidents.closed", f"突发事件{incident.number}已恢复并关闭")
    return incident
