"""Statements (I2, 供水手册第七章第三条(四)(六)(八)): the customer's statement (陈述) and defence (申辩)
before any decision, an interview record (询问笔录) and the site notes (现场笔记). The person signs, or
refuses: the paper then says 当事人拒签, and a witness may sign (第三条(八))."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.inspection.events import CaseEvents, inspection_event
from kefu.inspection.models import Case, Signature, Statement
from kefu.inspection.services.cases import require_field_work

CONTENT_MAX = 5000


def check_signature(signature: str, witness: str, witness_signed: bool) -> tuple[str, str, bool]:
    """The answer to a paper that needs the party's signature (第三条(四)(八)): signed, or refused with an
    optional witness. Shared by statements and notices."""
    if signature not in (Signature.SIGNED, Signature.REFUSED):
        raise ValidationError(
            {"signature": "请登记当事人是否签名：已签名，或拒签（记为“当事人拒签”，第七章第三条（八））"}
        )
    witness = (witness or "").strip()
    if len(witness) > 50:
        raise ValidationError({"witness": "见证人姓名不能超过50字"})
    if witness_signed and not witness:
        raise ValidationError({"witness": "见证人已签字时须写明见证人姓名"})
    if witness and signature != Signature.REFUSED:
        raise ValidationError({"witness": "当事人已签名，无须见证人；见证人只在当事人拒签时提请签字"})
    return signature, witness, bool(witness_signed)


@transaction.atomic
def record_statement(
    *,
    actor,
    case: Case,
    kind: str,
    person: str,
    content: str,
    signature: str,
    witness: str = "",
    witness_signed: bool = False,
) -> Statement:
    """Record what `person` said on `case`, by one of its inspectors (two on the case, ID shown)."""
    require_field_work(case, actor)
    if kind not in Statement.Kind.values:
        raise ValidationError({"kind": "笔录类别只能是陈述、申辩、询问笔录或现场笔记"})
    person = (person or "").strip()
    content = (content or "").strip()
    if not person:
        raise ValidationError({"person": "请填写陈述人（被询问人）姓名"})
    if len(person) > 50:
        raise ValidationError({"person": "陈述人姓名不能超过50字"})
    if not content:
        raise ValidationError({"content": f"请填写{Statement.Kind(kind).label}内容"})
    if len(content) > CONTENT_MAX:
        raise ValidationError({"content": f"内容不能超过{CONTENT_MAX}字（现有{len(content)}字）"})
    signature, witness, witness_signed = check_signature(signature, witness, witness_signed)
    statement = Statement.objects.create(
        case=case,
        kind=kind,
        person=person,
        content=content,
        recorded_by=actor,
        recorded_at=timezone.now(),
        signature=signature,
        witness=witness,
        witness_signed=witness_signed,
    )
    inspection_event(
        actor=actor,
        target=case,
        verb=CaseEvents.STATEMENT_RECORDED,
        changes={
            "statement": statement.pk,
            "kind": statement.get_kind_display(),
            "person": person,
            "signature": statement.get_signature_display(),
            "witness": witness,
        },
    )
    return statement
