"""The cases part of the inspection demo (I1, I3): a case at every stage, through the services.

- the hotline's theft reports sent to 供水稽查执法队 → cases (the receiver opens them after commit; any it
  missed are opened here), the newest with two inspectors at the door;
- the meters demo's inspection tasks → 急换水表核实 / 运营水表跟踪 cases;
- one theft case waiting for the director's approval (defence heard, 违章登记表 filled);
- one approved, amounts recorded, sent to the archive (待归档);
- one closed, its file filed by the archivist (when the archive room's `file_in` is there);
- a 黑户 investigation under way.

Idempotent: each staged case is found again by its summary. Skipped with a line when the demo users
(inspector1, inspector2, director) are absent."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.customers.models import Customer
from kefu.inspection import receivers
from kefu.inspection.models import Case, CaseKind, Statement
from kefu.inspection.services import cases as services

STAGES = {
    "waiting": "群众举报：某餐馆表前私接水管，夜间大量用水",
    "approved": "抄表发现：某洗车店水表铅封破损，表后私接旁通管",
    "closed": "巡查发现：某工地擅自启用市政消火栓取水",
    "no_violation": "社会举报：某小区绿化带疑似私接水管（查无违章）",
    "unregistered": "黑户调查：城郊出租屋无户用水",
}


def _users():
    found = {
        u.username: u
        for u in User.objects.filter(username__in=["inspector1", "inspector2", "director", "archivist"])
    }
    return found.get("inspector1"), found.get("inspector2"), found.get("director"), found.get("archivist")


def _hooks() -> int:
    """Cases for the hotline's work orders and the meters' tasks the receivers have not opened yet."""
    from kefu.accounts.models import Unit
    from kefu.hotline.models import WorkOrder
    from kefu.meters.models import TrackingTask

    made = 0
    orders = WorkOrder.objects.filter(unit__kind=Unit.Kind.INSPECTION).exclude(
        pk__in=Case.objects.exclude(work_order=None).values("work_order_id")
    )
    for order in orders.select_related("unit", "category", "contact", "customer")[:50]:
        made += receivers.case_for_work_order(order) is not None
    tasks = TrackingTask.objects.exclude(
        pk__in=Case.objects.exclude(tracking_task=None).values("tracking_task_id")
    )
    for task in tasks.select_related("replacement__meter__service_point__customer")[:50]:
        made += receivers.case_for_tracking_task(task) is not None
    return made


def _hear(case, actor, person: str, content: str, kind=Statement.Kind.DEFENCE) -> None:
    from kefu.inspection.models import Signature
    from kefu.inspection.services import statements

    statements.record_statement(
        actor=actor, case=case, kind=kind, person=person, content=content, signature=Signature.SIGNED
    )


def _started(summary: str, a, b, *, kind=CaseKind.WATER_THEFT, customer=None, unregistered=False, address=""):
    case = services.open_case(
        actor=a,
        kind=kind,
        source=Case.Source.MANUAL if kind != CaseKind.HYDRANT else Case.Source.PATROL,
        address=address or (customer.address if customer else "城郊结合部某出租屋"),
        summary=summary,
        customer=customer,
        unregistered=unregistered,
        inspectors=[a, b],
    )
    services.record_id_shown(actor=a, case=case)
    services.record_id_shown(actor=b, case=case)
    return services.start_investigation(actor=a, case=case)


def _submit(case, a, penalty: str, recovery: str):
    # the site photos first: no penalty is asked for without the evidence on the file (第三条(四))
    from kefu.inspection.demo_field import site_photos

    site_photos(case, a, timezone.now() - timedelta(hours=2))
    _hear(case, a, "当事人（户主）", "承认表前接管属实，称不知道违规，请求从轻处理。")
    services.conclude(
        actor=a, case=case, finding=Case.Finding.VIOLATION, conclusion="私接水管属实，拟追补水费并处违约金"
    )
    return services.submit_for_approval(
        actor=a,
        case=case,
        facts="现场查见表前私接DN20水管一根，接入后厨，拍照取证，当事人在场",
        regulation="《城市供水条例》第三十一条、第三十五条；本市供水用水管理办法",
        proposed_penalty=penalty,
        proposed_recovery=recovery,
        proposal="责令立即拆除私接管道，追补水费并处违约金",
    )


@transaction.atomic
def _stage(key: str, a, b, director, archivist, customers) -> str:
    summary = STAGES[key]
    if Case.objects.filter(summary=summary).exists():
        return ""
    if key == "waiting":
        case = _started(summary, a, b, customer=customers[0])
        _submit(case, a, "2000", "3680.40")
        return f"{case.number} 待中心主任审批"
    if key == "approved":
        case = _started(summary, a, b, customer=customers[1])
        approval = _submit(case, a, "1500", "2460")
        services.decide(actor=director, approval=approval, approve=True, opinion="同意，按拟处理意见办理")
        services.record_amounts(actor=a, case=case, penalty="1500", recovery="2460")
        services.send_to_archive(actor=a, case=case)
        return f"{case.number} 已批准、金额已登记、待归档"
    if key == "closed":
        case = _started(summary, b, a, kind=CaseKind.HYDRANT, address="开发区纬二路在建工地东侧消火栓")
        from kefu.inspection.demo_field import site_photos

        site_photos(case, b, timezone.now() - timedelta(hours=3))
        _hear(
            case,
            b,
            "工地负责人张某",
            "承认未经许可使用消火栓取水，已停止使用。",
            kind=Statement.Kind.STATEMENT,
        )
        services.conclude(actor=b, case=case, finding=Case.Finding.VIOLATION, conclusion="擅自启用消火栓属实")
        approval = services.submit_for_approval(
            actor=b,
            case=case,
            facts="工地从市政消火栓接软管取水用于搅拌混凝土",
            regulation="《城市供水条例》第三十一条",
            proposed_penalty="3000",
            proposed_recovery="1200",
            proposal="处违约金并追补水费，责令办理临时用水手续",
        )
        services.decide(actor=director, approval=approval, approve=True, opinion="同意")
        services.record_amounts(actor=b, case=case, penalty="3000", recovery="1200")
        file = services.send_to_archive(actor=b, case=case)
        try:
            from kefu.archives.services.filing import file_in
        except ImportError:
            return f"{case.number} 待归档（档案室归档功能尚未就绪）"
        if archivist is None:
            return f"{case.number} 待归档"
        try:
            file_in(actor=archivist, file=file, location="稽查柜-1层-1盒")
        except (ValidationError, PermissionDenied) as error:
            return f"{case.number} 待归档（{'；'.join(getattr(error, 'messages', [str(error)]))}）"
        services.close(actor=b, case=case)
        return f"{case.number} 已归档结案"
    if key == "no_violation":
        case = _started(summary, a, b, kind=CaseKind.PUBLIC_REPORT, customer=customers[2])
        services.conclude(
            actor=a,
            case=case,
            finding=Case.Finding.NO_VIOLATION,
            conclusion="现场为绿化浇灌正常用水，查无违章",
        )
        return f"{case.number} 查无违章，待移交档案"
    case = _started(summary, b, a, unregistered=True)
    _hear(
        case, b, "实际用水人（租户）李某", "房东说水是从隔壁接的，我不清楚。", kind=Statement.Kind.STATEMENT
    )
    return f"{case.number} 黑户调查中"


def seed(options) -> list[str]:
    a, b, director, archivist = _users()
    lines: list[str] = []
    try:
        made = _hooks()
    except Exception as error:  # the other apps' demo data may be absent
        made = 0
        lines.append(f"稽查案件：来自热线和表务的案件未能补开（{error}）")
    if made:
        lines.append(f"稽查案件：补开热线举报、表务任务案件{made}件")
    if a is None or b is None or director is None:
        return lines + ["稽查案件：缺少演示用户 inspector1/inspector2/director，跳过"]
    customers = list(Customer.objects.order_by("id")[:3])
    if len(customers) < 3:
        return lines + ["稽查案件：演示客户不足，跳过"]
    # the newest theft report from the hotline: two inspectors at the door, IDs shown
    fresh = Case.objects.filter(source=Case.Source.HOTLINE, state=Case.State.OPEN, inspectors=None).first()
    if fresh is not None:
        with transaction.atomic():
            services.assign_inspectors(actor=a, case=fresh, inspectors=[a, b])
            services.record_id_shown(actor=a, case=fresh)
            services.record_id_shown(actor=a, case=fresh, inspector=b)
        lines.append(f"稽查案件：{fresh.number}（热线举报）已指派稽查员并出示证件")
    for key in STAGES:
        try:
            line = _stage(key, a, b, director, archivist, customers)
        except (ValidationError, PermissionDenied) as error:
            line = f"{STAGES[key][:12]}… 未能生成（{'；'.join(getattr(error, 'messages', [str(error)]))}）"
        if line:
            lines.append(f"稽查案件：{line}")
    return lines
