"""Departing staff through the API (A3, H7): what a member of staff still holds, the hand-over of all
of it to a colleague, and switching 在职 on or off — refused, as on the staff page and in the admin,
while they hold anything. The same services and permissions as the pages."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router

from kefu.accounts import services
from kefu.accounts.models import User
from kefu.core.permissions import require
from kefu.core.schemas import ObjectId, Schema

router = Router(tags=["组织人员"])


class HeldOut(Schema):
    label: str
    count: int


class StaffHoldingsOut(Schema):
    id: int
    name: str
    is_active: bool
    holdings: list[HeldOut]


class HandOverIn(Schema):
    to_user_id: ObjectId
    reason: str = Field(..., max_length=500)


class ActiveIn(Schema):
    is_active: bool


def _member(user_id: int) -> User:
    member = User.objects.filter(pk=user_id).first()
    if member is None:
        raise Http404("员工不存在")
    return member


def _out(member: User) -> dict:
    return {
        "id": member.pk,
        "name": str(member),
        "is_active": member.is_active,
        "holdings": [{"label": label, "count": count} for label, count, _url in services.holdings_of(member)],
    }


@router.get("/staff/{int:user_id}/holdings", response=StaffHoldingsOut, summary="员工持有的在办事项")
def staff_holdings(request, user_id: int):
    """Open work orders, callbacks due, counter processes taken in: what must be handed over first."""
    require(request.user, "accounts.view_user")
    return _out(_member(user_id))


@router.post("/staff/{int:user_id}/hand-over", response=dict, summary="移交员工的全部在办事项（离岗、离职）")
def hand_over(request, user_id: int, payload: HandOverIn):
    require(request.user, "accounts.hand_over_user")
    member = _member(user_id)
    to_user = User.objects.filter(pk=payload.to_user_id).first()
    if to_user is None:
        raise ValidationError({"to_user_id": "接手人不存在"})
    moved = services.hand_over_holdings(
        actor=request.user, from_user=member, to_user=to_user, reason=payload.reason
    )
    return {"moved": moved}


@router.post("/staff/{int:user_id}/active", response=StaffHoldingsOut, summary="设置员工在职或停用")
def set_active(request, user_id: int, payload: ActiveIn):
    """停用 is refused (400, errors.is_active) while the member of staff holds anything."""
    require(request.user, "accounts.change_user")
    member = _member(user_id)
    services.update_staff(actor=request.user, user=member, is_active=payload.is_active)
    return _out(member)
