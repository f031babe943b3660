"""Printed forms of counter business (P1, P4–P6): a registry of form code → Chinese title, template and
the function that builds the form's content from a process.

HTML (views_print) and PDF (pdf.py) render the same `FormContent`, so a slip handed over the counter
says the same thing whichever way it was printed. A form may be printed for a process only when one
of its definition's stages lists it (the receipt always, the refund form only with a refund approval);
every print is an event on the process, so reprints of the fee-reduction slip (P4, seed 000 ch.2 §16)
leave a trace."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from kefu.accounts.models import Center
from kefu.core.events import events_for
from kefu.customers.masking import Masker
from kefu.customers.models import Customer, Meter
from kefu.processes.events import ProcessEvents, form_printed_event
from kefu.processes.models import Approval, DeadlineUnit, Process, StageDefinition

# ---------------------------------------------------------------------------------------------------
# Money and dates as the forms write them


def yuan(amount) -> str:
    """¥1,234.50 — as the collection window writes money."""
    return f"¥{Decimal(amount or 0):,.2f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_GROUP_UNITS = ("", "万", "亿", "万亿")


def _group_words(group: int) -> str:
    """One group of four digits (1–9999): 壹仟零伍, 壹拾, 伍佰零陆; no leading or trailing 零."""
    words, zero_pending, started = "", False, False
    for digit, unit in zip(f"{group:04d}", ("仟", "佰", "拾", ""), strict=True):
        if digit == "0":
            zero_pending = started
            continue
        if zero_pending:
            words += "零"
        words += _DIGITS[int(digit)] + unit
        zero_pending, started = False, True
    return words


def _integer_words(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    words, zero_pending = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero_pending = True
            continue
        # A gap before this group (an empty group, or fewer than four digits) is read as one 零.
        if words and (zero_pending or group < 1000):
            words += "零"
        words += _group_words(group) + _GROUP_UNITS[index]
        zero_pending = False
    return words


def yuan_in_words(amount) -> str:
    """An amount in Chinese financial numerals, as on a receipt or cheque: 42.50 → 肆拾贰元伍角整,
    1005.07 → 壹仟零伍元零柒分, 100000 → 壹拾万元整, 0 → 零元整, 0.50 → 伍角整.

    Rounded half-up to the fen. Below one yuan the 元 is left out (伍角整, 伍分), as the payment
    settlement rules write it. 整 follows 元 or 角, never 分. The caller adds 人民币 where wanted."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    if whole >= 10**16:
        raise ValueError("金额过大，无法转换为大写")
    cents = int((value - whole) * 100)
    jiao, fen = divmod(cents, 10)
    if whole == 0 and cents == 0:
        return "零元整"
    words = _integer_words(whole) + "元" if whole else ""
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif fen and whole:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    else:
        words += "整"
    return sign + words


def amount_text(amount) -> str:
    """¥42.50（人民币肆拾贰元伍角整）"""
    return f"{yuan(amount)}（人民币{yuan_in_words(amount or 0)}）"


def chinese_date(value: date | datetime | None) -> str:
    """2026年11月22日 (a datetime in local time); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month}月{value.day}日"


def deadline_text(stage: StageDefinition, kind: str) -> str:
    """A stage's time limit for this kind of customer, as the receipt tells the customer."""
    if stage.deadline_unit == DeadlineUnit.APPOINTMENT:
        return "按预约时间"
    amount = stage.deadline_for(kind)
    if amount is None:
        return "—"
    unit = {
        DeadlineUnit.WORKING_DAYS: "个工作日",
        DeadlineUnit.HOURS: "小时",
        DeadlineUnit.CALENDAR_DAYS: "天",
    }.get(stage.deadline_unit, "")
    return f"{amount}{unit}"


# ---------------------------------------------------------------------------------------------------
# What a form says


@dataclass
class FormTable:
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class FormContent:
    """Everything a printed form shows, already as text: the HTML and the PDF only lay it out."""

    fields: list[tuple[str, str]]
    tables: list[FormTable] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    notice: str = ""
    signatures: list[str] = field(default_factory=list)
    title: str = ""
    number: str = ""
    printed_on: str = ""
    issuer: str = ""
    copy_note: str = ""


Builder = Callable[[Process, Masker], FormContent]


@dataclass(frozen=True)
class PrintedForm:
    code: str
    title: str
    template: str
    build: Builder


FORMS: dict[str, PrintedForm] = {}


def printed_form(code: str, title: str):
    def register(build: Builder) -> Builder:
        FORMS[code] = PrintedForm(
            code=code, title=title, template=f"processes/print/{code}.html", build=build
        )
        return build

    return register


def _center() -> Center | None:
    return Center.objects.order_by("code").first()


def _center_name() -> str:
    center = _center()
    return center.name if center else "客户服务中心"


def _stages(process: Process) -> list[StageDefinition]:
    return [s for s in process.definition.stages.order_by("order") if s.applies_to(process.customer_kind)]


def _stage(process: Process, code: str) -> StageDefinition | None:
    return next((s for s in _stages(process) if s.code == code), None)


def _id_text(customer: Customer, masker: Masker) -> str:
    if not customer.id_number:
        return "—"
    label = customer.get_id_type_display() if customer.id_type else "证件"
    return f"{label} {masker.id_number(customer.id_number, customer.id_type)}"


def _phone(customer: Customer, masker: Masker) -> str:
    return masker.phone(customer.phone) or "—"


def _dn(value) -> str:
    return f"DN{value}" if value not in (None, "") else "—"


def _branch_name(customer: Customer) -> str:
    area = customer.service_area
    return area.branch.name if area and area.branch_id else "—"


def _documents_table(process: Process) -> FormTable:
    rows = [
        [str(i), doc.name, chinese_date(doc.created_at)]
        for i, doc in enumerate(process.documents.order_by("id"), 1)
    ]
    return FormTable("已收材料", ["序号", "材料名称", "收件日期"], rows)


def _stage_table(stages: list[StageDefinition], kind: str, caption: str = "办理环节及时限") -> FormTable:
    rows = [[str(i), s.name, s.responsible, deadline_text(s, kind)] for i, s in enumerate(stages, 1)]
    return FormTable(caption, ["序号", "环节", "办理部门", "时限"], rows)


def _customer_fields(process: Process, masker: Masker) -> list[tuple[str, str]]:
    customer = process.customer
    return [
        ("客户名称", customer.name),
        ("客户编号", customer.number),
        ("客户类型", process.get_customer_kind_display()),
        ("证件", _id_text(customer, masker)),
        ("地址", customer.address),
        ("联系电话", _phone(customer, masker)),
    ]


@printed_form("application_receipt", "业务受理回执")
def application_receipt(process: Process, masker: Masker) -> FormContent:
    definition = process.definition
    fields = [
        ("业务编号", process.number or ""),
        ("业务名称", definition.name),
        *_customer_fields(process, masker),
        ("受理日期", chinese_date(process.created_at)),
        ("受理人", str(process.started_by)),
    ]
    standard = definition.standard_fee()
    if process.customer_kind == Customer.Kind.INDIVIDUAL and standard:
        fields.append((definition.fee_label or "应缴费用", amount_text(standard)))
    if process.fee:
        fields.append(("已收费用", amount_text(process.fee)))
    center = _center()
    phone = f"咨询电话：{center.hotline}。" if center and center.hotline else ""
    return FormContent(
        fields=fields,
        tables=[_documents_table(process), _stage_table(_stages(process), process.customer_kind)],
        notice=(
            f"请妥善保管本回执，凭业务编号 {process.number} 查询办理进度。"
            f"各环节时限自上一环节完成时起算，工作日不含法定节假日。{phone}"
        ),
        signatures=["受理人（签字）", "客户（签字）"],
    )


@printed_form("design_commission", "设计委托书")
def design_commission(process: Process, masker: Masker) -> FormContent:
    survey = _stage(process, "survey_design")
    facts = process.facts
    # The design office as the stage names it: its unit when routed to one, else the responsible text.
    designer = "设计室"
    if survey:
        designer = survey.unit.name if survey.unit_id else survey.responsible
    fields = [
        ("委托编号", process.number or ""),
        ("委托单位", _center_name()),
        ("受托单位", designer),
        *_customer_fields(process, masker),
        ("户数", str(process.customer.household_count)),
        ("申请口径", _dn(facts.get("caliber_applied_dn"))),
        ("片区供水压力", f"{facts['area_pressure_mpa']} MPa" if facts.get("area_pressure_mpa") else "—"),
        ("勘测设计时限", deadline_text(survey, process.customer_kind) if survey else "—"),
    ]
    if process.fee:
        fields.append(("已收勘测设计费", amount_text(process.fee)))
    return FormContent(
        fields=fields,
        tables=[_documents_table(process)],
        clauses=[
            "一、请按《客户用水申请表》及所附资料进行现场勘测，完成施工图设计。",
            "二、勘测中发现暂不具备用水条件的，请以书面形式注明原因，及时反馈客服中心，由客服中心告知客户。",
            "三、设计完成后，施工图、材料单、工程预算书等资料一式五份移交客服中心。",
        ],
        signatures=["委托单位经办人", "受托单位签收", "签收日期"],
    )


@printed_form("construction_contract", "工程施工合同")
def construction_contract(process: Process, masker: Masker) -> FormContent:
    customer = process.customer
    fields = [
        ("业务编号", process.number or ""),
        ("发包方（客户）", customer.name),
        ("证件", _id_text(customer, masker)),
        ("联系电话", _phone(customer, masker)),
        ("承包方", _center_name()),
        ("工程名称", f"{customer.address}供水安装工程"),
        ("工程地点", customer.address),
        ("申请口径", _dn(process.facts.get("caliber_applied_dn"))),
        ("工程款", "按经审定的预算书（物价部门核定的工程造价）计收"),
    ]
    return FormContent(
        fields=fields,
        clauses=[
            "第一条 承包方按经审定的施工图和国家市政安装定额标准组织施工，保证工程质量。",
            "第二条 工程款按物价部门核定的工程造价计收；发包方缴纳工程款后，承包方即发出施工通知。",
            "第三条 需破路施工的，由发包方办理破路手续；取得破路许可后1个工作日内下达施工通知。",
            "第四条 工程竣工经验收合格后装表通水；发包方应在装表通水前签订《供用水合同》。",
            "第五条 本合同未尽事宜由双方协商解决。本合同一式二份，双方各执一份，自双方签章之日起生效。",
        ],
        signatures=["发包方（签章）", "承包方（签章）", "签订日期"],
    )


@printed_form("construction_notice", "施工通知书")
def construction_notice(process: Process, masker: Masker) -> FormContent:
    customer = process.customer
    notice_stage = _stage(process, "construction_notice")
    stages = _stages(process)
    following = stages[stages.index(notice_stage) + 1 :] if notice_stage in stages else []
    fields = [
        ("通知编号", process.number or ""),
        ("送达", notice_stage.responsible if notice_stage else "工程部"),
        ("抄送", f"供水管理部、{_branch_name(customer)}"),
        ("工程名称", f"{customer.address}供水安装工程"),
        ("客户名称", customer.name),
        ("客户类型", process.get_customer_kind_display()),
        ("联系电话", _phone(customer, masker)),
        ("申请口径", _dn(process.facts.get("caliber_applied_dn"))),
        ("合同与工程款", "已签订合同、已缴纳工程款"),
    ]
    if process.customer_kind == Customer.Kind.INDIVIDUAL:
        clause = "客户已签订合同、缴纳工程款，请接到本通知后与分公司联系，安排施工。"
    else:
        clause = (
            "客户已签订合同、缴纳工程款，请接到本通知后确定项目小组，完成技术交底后与分公司联系安排施工。"
        )
    return FormContent(
        fields=fields,
        tables=[_stage_table(following, process.customer_kind, "后续环节及时限")] if following else [],
        clauses=[clause, "施工完成后请及时通知客服中心组织竣工验收。"],
        signatures=["客服中心经办人", "工程部签收", "签收日期"],
    )


@printed_form("fee_reduction_slip", "水费减免单")
def fee_reduction_slip(process: Process, masker: Masker) -> FormContent:
    customer, facts = process.customer, process.facts
    accounts = list(customer.accounts.filter(status="active").order_by("number"))
    fields = [
        ("业务编号", process.number or ""),
        ("户名", customer.name),
        ("身份证姓名", facts.get("id_card_name") or "—"),
        ("证件", _id_text(customer, masker)),
        ("低保证号", facts.get("certificate_number") or customer.low_income_certificate or "—"),
        ("低保证有效期至", chinese_date(customer.low_income_valid_until) or "—"),
        ("用水地址", customer.address),
        ("户号", "、".join(a.number for a in accounts) or "—"),
        ("注册日期", chinese_date(process.created_at)),
    ]
    return FormContent(
        fields=fields,
        tables=[
            FormTable(
                "减免户号", ["户号", "开户日期"], [[a.number, chinese_date(a.opened_on)] for a in accounts]
            )
        ],
        clauses=[
            "经核对，身份证、低保证、用水发票相符，准予登记为低保户，按现行低保户水费减免政策减免水费。",
            "低保证到期或家庭情况变化的，请及时到客服中心窗口办理变更。本单遗失可到窗口补打。",
        ],
        signatures=["经办人", "客户（签字）"],
    )


def _meter_calibers(point) -> str:
    meters = [m for m in point.meters.all() if m.status != Meter.Status.REMOVED]
    return "、".join(f"DN{m.caliber_dn}" for m in meters) or "—"


@printed_form("supply_contract", "供用水合同")
def supply_contract(process: Process, masker: Masker) -> FormContent:
    customer = process.customer
    points = list(customer.service_points.prefetch_related("meters").order_by("connection_point_no"))
    fields = [
        ("合同编号", process.facts.get("contract_number") or "（签订后编号）"),
        ("供水人", _center_name()),
        ("用水人", customer.name),
        ("客户编号", customer.number),
        (
            "证件" if customer.kind == Customer.Kind.INDIVIDUAL else "营业执照/信用代码",
            _id_text(customer, masker),
        ),
        ("地址", customer.address),
        ("联系电话", _phone(customer, masker)),
        ("用水户数", str(customer.household_count)),
    ]
    rows = [[p.connection_point_no, p.address, p.get_water_use_display(), _meter_calibers(p)] for p in points]
    return FormContent(
        fields=fields,
        tables=[FormTable("用水地址及接水点", ["接水点编号", "用水地址", "用水性质", "水表口径"], rows)],
        clauses=[
            "第一条 供水人按国家规定的水质、水压标准向用水人连续供水；"
            "因工程施工、设备检修需停水的，提前通知用水人。",
            "第二条 用水人按用水性质和规定水价按期缴纳水费，不得擅自改变用水性质、私接管道或转供用水。",
            "第三条 水表及表前管道设施由供水人维护，用水人应予保护，不得损坏水表及铅封。",
            "第四条 用水人需变更户名、暂停、销户、增容或减容的，应到客服中心窗口办理手续。",
            "第五条 本合同一式二份，双方各执一份，自双方签章之日起生效；签订后送档案室存档。",
        ],
        signatures=["供水人（盖章）", "用水人（签章）", "签订日期"],
    )


@printed_form("connection_number_notice", "接水点编号通知单")
def connection_number_notice(process: Process, masker: Masker) -> FormContent:
    customer, facts = process.customer, process.facts
    fields = [
        ("业务编号", process.number or ""),
        ("客户名称", customer.name),
        ("用水地址", customer.address),
        ("所属分公司", _branch_name(customer)),
        ("接水点编号", facts.get("connection_point_no") or "（尚未发放）"),
        ("申请口径", _dn(facts.get("caliber_applied_dn"))),
        ("图纸口径", _dn(facts.get("caliber_drawing_dn"))),
    ]
    return FormContent(
        fields=fields,
        clauses=[
            "以上接水点编号经核对图卡相符、申请表完整且各部门签字、已签订供用水合同、图纸口径与申请口径一致后发放。",
            "请分公司凭本通知单办理领表、装表手续，装表口径须与图纸口径一致。",
        ],
        signatures=["发号人", "分公司签收", "签收日期"],
    )


def refund_approval_of(process: Process) -> Approval | None:
    return (
        process.approvals.filter(kind=Approval.Kind.REFUND)
        .select_related("requested_by", "decided_by")
        .order_by("-id")
        .first()
    )


@printed_form("refund_approval", "退费审批单")
def refund_approval(process: Process, masker: Masker) -> FormContent:
    approval = refund_approval_of(process)
    if approval is None:
        raise Http404("本业务没有退费申请")
    decided = approval.status != Approval.Status.PENDING
    fields = [
        ("业务编号", process.number or ""),
        ("业务名称", process.definition.name),
        ("客户名称", process.customer.name),
        ("联系电话", _phone(process.customer, masker)),
        ("退费项目", process.definition.fee_label or "已收费用"),
        ("退费金额", amount_text(approval.amount)),
        ("退费原因", approval.reason),
        ("申请人", str(approval.requested_by)),
        ("申请日期", chinese_date(approval.created_at)),
        ("审批结果", approval.get_status_display()),
        ("审批人", str(approval.decided_by) if decided and approval.decided_by else "—"),
        ("审批日期", chinese_date(approval.decided_at) or "—"),
    ]
    return FormContent(
        fields=fields,
        clauses=["经审批同意后，由财务部凭本单向客户退返已缴费用。"],
        signatures=["部门负责人（签字）", "财务部经办", "客户签收"],
    )


# ---------------------------------------------------------------------------------------------------
# Which forms a process may print, and printing one


def _codes_for(process: Process) -> list[str]:
    codes = ["application_receipt"]
    # A stage's forms are printable once the process has reached that stage: no construction notice
    # for an application still at the counter.
    reached = set(process.runs.values_list("stage_id", flat=True))
    for stage in _stages(process):
        if stage.pk in reached:
            codes.extend(stage.forms)
    codes = [code for code in codes if code != "refund_approval"]
    if process.approvals.filter(kind=Approval.Kind.REFUND).exists():
        codes.append("refund_approval")
    # Forms a definition names but no builder exists for yet are left out rather than failing.
    return [code for code in dict.fromkeys(codes) if code in FORMS]


def printable_forms(process: Process) -> list[dict]:
    """[{"code": "application_receipt", "title": "业务受理回执"}, …] in stage order, for the detail page."""
    return [{"code": code, "title": FORMS[code].title} for code in _codes_for(process)]


def form_for(process: Process, code: str) -> PrintedForm:
    """The form to print for this process, or 404 when the process's business has no such form."""
    form = FORMS.get(code)
    if form is None:
        raise Http404("没有这种表单")
    if code not in _codes_for(process):
        later = next((stage for stage in _stages(process) if code in stage.forms), None)
        if later is not None:
            raise Http404(f"「{form.title}」在「{later.name}」环节打印，本业务尚未办理到该环节")
        raise Http404(f"「{process.definition.name}」业务没有「{form.title}」可打印")
    return form


def content_for(*, user, process: Process, form: PrintedForm, copy_note: str = "") -> FormContent:
    """The form's content for this reader: phone and ID numbers masked as the archive masks them."""
    content = form.build(process, Masker(user))
    return replace(
        content,
        title=form.title,
        number=process.number or "",
        printed_on=chinese_date(timezone.now()),
        issuer=_center_name(),
        copy_note=copy_note,
    )


@transaction.atomic
def record_print(*, actor, process: Process, form: PrintedForm) -> str:
    """Log one print of a form on the process and return its note: 首次打印, or 补打（第N次） counting
    every earlier print of that form (P4: reprints of the fee-reduction slip are logged)."""
    # The process row is locked so two clerks printing at once do not both count the same copy.
    list(Process.objects.select_for_update().filter(pk=process.pk).values_list("pk", flat=True))
    earlier = events_for(process).filter(verb=ProcessEvents.FORM_PRINTED, changes__form__1=form.title).count()
    note = "首次打印" if earlier == 0 else f"补打（第{earlier + 1}次）"
    form_printed_event(actor=actor, process=process, form_title=form.title, note=note)
    return note
