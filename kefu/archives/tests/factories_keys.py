"""Factories of the key cabinet (D4): keys, loans, issues and copies made through the services."""

from dataclasses import dataclass

import pytest

from kefu.accounts.models import Role, User
from kefu.archives.models import Key, KeyCopyRequest, KeyLoan
from kefu.archives.services import keys as services

ESTATE = "锦绣花园"


def owner_key(
    actor, *, owner_kind=Key.OwnerKind.SECURITY_DOOR, building="3", entrance="2", floor="5", room="0502"
):
    return services.register_key(
        actor=actor,
        kind=Key.Kind.OWNER,
        owner_kind=owner_kind,
        estate=ESTATE,
        building=building,
        entrance=entrance,
        floor=floor,
        room=room,
        copies=3,
    )


def flat_keys(actor, **where) -> list[Key]:
    return [owner_key(actor, owner_kind=kind, **where) for kind in Key.OwnerKind.values]


def public_key(actor, *, building="3", entrance="2", floor="5"):
    return services.register_key(
        actor=actor, kind=Key.Kind.PUBLIC, estate=ESTATE, building=building, entrance=entrance, floor=floor
    )


def equipment_key(actor, name="水泵房", *, custodian=None):
    return services.register_key(
        actor=actor, kind=Key.Kind.EQUIPMENT, estate=ESTATE, equipment_room=name, custodian=custodian
    )


def lent(actor, key, borrower, **kwargs) -> KeyLoan:
    values = {"purpose": "楼道窗户维修", "work_reference": "GC-001", "borrower_signed": True}
    values.update(kwargs)
    return services.lend(actor=actor, key=key, borrower=borrower, **values)


def copy_requested(actor, key, copies=1) -> KeyCopyRequest:
    return services.request_copy(actor=actor, key=key, copies=copies, reason="原钥匙磨损")


@dataclass
class KeyPeople:
    archivist: User
    head: User
    engineer: User
    clerk: User
    agent: User


@pytest.fixture(name="people")
def key_people(make_user) -> KeyPeople:
    return KeyPeople(
        archivist=make_user(Role.ARCHIVIST, username="keeper", name="档案员小陈"),
        head=make_user(Role.DEPARTMENT_HEAD, username="kfhead", name="主任老李"),
        engineer=make_user(Role.ENGINEERING_MANAGER, username="engineer", name="工程部经理老周"),
        clerk=make_user(Role.COUNTER_CLERK, username="kclerk", name="营业员小王"),
        agent=make_user(Role.AGENT, username="kagent", name="话务员小张"),
    )
