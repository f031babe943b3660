"""The key cabinet's rules (D4; 物业客服规章制度·钥匙管理规定), each with its Chinese refusal, and the
events every step writes."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.archives.events import KeyEvents
from kefu.archives.models import Key, KeyCopyRequest, KeyIssue, KeyLoan
from kefu.archives.services import keys as services
from kefu.archives.tests.factories_keys import (
    ESTATE,
    copy_requested,
    equipment_key,
    flat_keys,
    key_people,  # noqa: F401 - the fixture "people"
    lent,
    owner_key,
    public_key,
)
from kefu.core.events import events_for
from kefu.core.services import set_policy
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def message(excinfo, field):
    return excinfo.value.message_dict[field][0]


def verbs(key) -> list[str]:
    return list(events_for(key).order_by("occurred_at", "id").values_list("verb", flat=True))


# ---------------------------------------------------------------- registering and labels


def test_an_owner_key_is_labelled_building_entrance_floor_room(people):
    key = owner_key(people.archivist, floor="5", room="0502")
    assert key.label == "3栋-2单元-05层-0502"
    assert key.holder_department == "客户服务部"
    assert key.custodian == people.archivist
    assert verbs(key) == [KeyEvents.REGISTERED]


def test_public_doors_go_by_floor_and_equipment_rooms_by_name_held_by_engineering(people):
    door = public_key(people.archivist, floor="12")
    pump = equipment_key(people.archivist, "水泵房", custodian=people.engineer)
    assert door.label == "3栋-2单元-12层-公共门窗"
    assert pump.label == "水泵房"
    assert pump.holder_department == "工程部"
    assert pump.custodian == people.engineer


def test_the_label_follows_the_rule(people):
    set_policy(actor=people.archivist, key="archives.key_label_format", value="{building}#{entrance}-{room}")
    assert owner_key(people.archivist).label == "3#2-0502"


def test_a_label_format_with_an_unknown_part_is_refused():
    with pytest.raises(ValidationError, match="只能使用"):
        services.check_label_format("{building}栋-{unit}-{room}")
    with pytest.raises(ValidationError, match="须含栋号"):
        services.check_label_format("{entrance}单元")


def test_a_label_is_registered_once_per_estate_and_kind(people):
    owner_key(people.archivist)
    owner_key(people.archivist, owner_kind=Key.OwnerKind.MAILBOX)  # another kind of the same flat: fine
    with pytest.raises(ValidationError) as excinfo:
        owner_key(people.archivist)
    assert (
        message(excinfo, "label")
        == "锦绣花园的钥匙「3栋-2单元-05层-0502（防盗铁门）」已登记入柜，标签不能重复"
    )


def test_an_owner_key_needs_its_kind_and_its_flat(people):
    with pytest.raises(ValidationError) as excinfo:
        services.register_key(
            actor=people.archivist, kind=Key.Kind.OWNER, estate=ESTATE, building="3", room="1"
        )
    assert "业主钥匙须注明种类" in message(excinfo, "owner_kind")
    with pytest.raises(ValidationError) as excinfo:
        services.register_key(
            actor=people.archivist, kind=Key.Kind.OWNER, owner_kind="mailbox", estate=ESTATE, building="3"
        )
    assert message(excinfo, "label").startswith("业主钥匙按住户套房分类，须填写单元、楼层、房号")
    with pytest.raises(ValidationError) as excinfo:
        services.register_key(actor=people.archivist, kind=Key.Kind.EQUIPMENT, estate=ESTATE)
    assert "须填写设施设备房名称" in message(excinfo, "equipment_room")


def test_only_the_cabinet_registers_keys(people):
    with pytest.raises(PermissionDenied):
        owner_key(people.head)


def test_an_estate_is_registered_at_once_and_a_second_run_adds_nothing(people):
    added = services.bulk_register_estate(
        actor=people.archivist,
        estate=ESTATE,
        buildings=1,
        entrances=2,
        floors=3,
        flats_per_floor=2,
        equipment_rooms=["水泵房", "配电房"],
        engineering_custodian=people.engineer,
    )
    # 12 flats × 5 kinds, 6 floors' public doors, 2 equipment rooms
    assert added == 60 + 6 + 2
    assert Key.objects.filter(label="1栋-2单元-03层-0302", kind=Key.Kind.OWNER).count() == 5
    assert Key.objects.get(label="配电房").custodian == people.engineer
    assert verbs(Key.objects.get(label="水泵房")) == [KeyEvents.REGISTERED]
    again = services.bulk_register_estate(
        actor=people.archivist, estate=ESTATE, buildings=1, entrances=2, floors=3, flats_per_floor=2
    )
    assert again == 0


# ---------------------------------------------------------------- loans


def test_a_loan_for_work_is_registered_and_signed(people):
    key = public_key(people.archivist)
    loan = lent(people.archivist, key, people.clerk)
    key.refresh_from_db()
    assert key.state == Key.State.LENT
    assert loan.borrower_signed_at is not None
    hours = round((loan.due_at - loan.lent_at).total_seconds() / 3600)
    assert hours == 4  # archives.key_loan_hours
    assert verbs(key)[-1] == KeyEvents.LENT


def test_a_loan_without_a_purpose_is_refused(people):
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, public_key(people.archivist), people.clerk, purpose="  ")
    assert message(excinfo, "purpose").startswith("请填写借用事由：非工作需要任何人不得以私人名义借出钥匙")


def test_a_loan_in_the_name_of_someone_not_on_the_staff_is_refused(people, make_user):
    key = public_key(people.archivist)
    no_role = make_user("", username="visitor", name="外来人员")
    left = make_user(Role.AGENT, username="left", name="已离职", is_active=False)
    for borrower in (no_role, left, None):
        with pytest.raises(ValidationError) as excinfo:
            lent(people.archivist, key, borrower)
        assert message(excinfo, "borrower").startswith("借用人须为本单位在职员工，钥匙不得以私人名义借出")


def test_the_registrar_may_not_lend_to_themselves_without_a_work_order(people):
    key = public_key(people.archivist)
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, key, people.archivist, work_reference="")
    assert message(excinfo, "work_reference").startswith("登记人借给本人须填写工作单号")
    assert lent(people.archivist, key, people.archivist, work_reference="GC-9").borrower == people.archivist


def test_a_loan_without_the_borrowers_signature_is_refused(people):
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, public_key(people.archivist), people.clerk, borrower_signed=False)
    assert message(excinfo, "borrower_signed").startswith("借用人须在《房屋钥匙管理记录表》上签字后方可借出")


def test_one_key_is_out_to_one_borrower_at_a_time(people):
    key = public_key(people.archivist)
    lent(people.archivist, key, people.clerk)
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, key, people.agent)
    assert "已借出未还（借用人营业员小王" in message(excinfo, "key")
    assert "一把钥匙同一时间只借给一人" in message(excinfo, "key")


def test_the_database_holds_one_open_loan_per_key(people):
    key = public_key(people.archivist)
    loan = lent(people.archivist, key, people.clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyLoan.objects.create(
            key=key,
            borrower=people.agent,
            purpose="x",
            lent_by=people.archivist,
            lent_at=loan.lent_at,
            due_at=loan.due_at,
        )


def test_keys_issued_to_the_owner_or_lost_are_not_lent(people):
    issued = owner_key(people.archivist)
    customer = CustomerFactory()
    services.issue_to_owner(
        actor=people.archivist,
        customer=customer,
        keys=[issued],
        identity_document="居民身份证",
        identity_number=customer.id_number,
        owner_signed=True,
    )
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, issued, people.clerk)
    assert message(excinfo, "key") == "钥匙「3栋-2单元-05层-0502」已发放业主，不在柜中，不能借出"
    lost = public_key(people.archivist)
    services.report_lost(actor=people.archivist, key=lost, note="维修时遗失")
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, lost, people.clerk)
    assert message(excinfo, "key") == "钥匙「3栋-2单元-05层-公共门窗」已登记遗失，不能借出"
    assert verbs(lost)[-1] == KeyEvents.LOST


def test_an_owner_key_is_lent_only_against_a_work_order_and_not_at_all_when_the_rule_says_no(people):
    key = owner_key(people.archivist, owner_kind=Key.OwnerKind.INDOOR)
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, key, people.clerk, work_reference="")
    assert message(excinfo, "work_reference").startswith("业主钥匙只凭工作单借出")
    set_policy(actor=people.archivist, key="archives.owner_key_loan_for_work", value=False)
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, key, people.clerk)
    assert message(excinfo, "key") == "业主钥匙不借出（业务规则 archives.owner_key_loan_for_work 为否）"


def test_the_return_is_due_within_the_longest_loan(people):
    key = public_key(people.archivist)
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, key, people.clerk, due_at=now + timedelta(hours=25))
    assert message(excinfo, "due_at").startswith("借用时间最长24小时（业务规则 archives.key_loan_max_hours）")
    with pytest.raises(ValidationError) as excinfo:
        lent(people.archivist, key, people.clerk, due_at=now - timedelta(minutes=1))
    assert message(excinfo, "due_at") == "应还时间须晚于现在"


def test_only_holders_of_lend_key_register_loans(people):
    key = public_key(people.archivist)
    with pytest.raises(PermissionDenied):
        lent(people.clerk, key, people.clerk)
    assert lent(people.engineer, key, people.clerk).lent_by == people.engineer  # 工程部经理 may lend


def test_a_returned_key_is_back_in_the_cabinet_and_is_not_returned_twice(people):
    key = public_key(people.archivist)
    loan = services.return_key(actor=people.head, loan=lent(people.archivist, key, people.clerk))
    key.refresh_from_db()
    assert key.state == Key.State.IN_CABINET
    assert loan.received_by == people.head
    assert verbs(key)[-1] == KeyEvents.RETURNED
    with pytest.raises(ValidationError) as excinfo:
        services.return_key(actor=people.head, loan=loan)
    assert message(excinfo, "loan").startswith("该借用已于")


def test_a_key_lost_on_loan_closes_the_loan(people):
    key = public_key(people.archivist)
    lent(people.archivist, key, people.clerk)
    services.report_lost(actor=people.archivist, key=key, note="借用人遗失")
    assert not KeyLoan.objects.filter(key=key, returned_at__isnull=True).exists()
    with pytest.raises(ValidationError) as excinfo:
        services.report_lost(actor=people.archivist, key=key, note="再次")
    assert "不在柜中保管" in message(excinfo, "key")


# ---------------------------------------------------------------- issuing to the owner


def issue(people, customer, keys, **kwargs):
    values = {
        "identity_document": "居民身份证",
        "identity_number": customer.id_number,
        "owner_signed": True,
    }
    values.update(kwargs)
    return services.issue_to_owner(actor=people.archivist, customer=customer, keys=keys, **values)


def test_the_owner_signs_for_the_flats_keys_after_the_identity_check(people):
    keys = flat_keys(people.archivist)
    customer = CustomerFactory()
    done = issue(people, customer, keys)
    assert done.keys.count() == 5
    assert done.identity_checked_by == people.archivist
    assert set(Key.objects.filter(pk__in=[k.pk for k in keys]).values_list("state", flat=True)) == {"issued"}
    assert Key.objects.get(pk=keys[0].pk).customer == customer
    assert verbs(keys[0])[-1] == KeyEvents.ISSUED


def test_no_key_is_issued_before_the_identity_is_checked(people):
    keys = flat_keys(people.archivist)
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as excinfo:
        issue(people, customer, keys, identity_number="", owner_signed=False)
    # the identity comes first, before the signature
    assert message(excinfo, "identity_number").startswith("请先验证客户的入住身份")
    with pytest.raises(ValidationError) as excinfo:
        issue(people, customer, keys, identity_number="330106198001010000")
    assert "身份证号码校验位错误" in message(excinfo, "identity_number")
    other = CustomerFactory()
    with pytest.raises(ValidationError) as excinfo:
        issue(people, customer, keys, identity_number=other.id_number)
    assert message(excinfo, "identity_number").startswith(
        "身份证号码与业主档案登记的不符，入住身份核验未通过"
    )
    assert not KeyIssue.objects.exists()


def test_the_owner_must_sign(people):
    with pytest.raises(ValidationError) as excinfo:
        issue(people, CustomerFactory(), flat_keys(people.archivist), owner_signed=False)
    assert message(excinfo, "owner_signed").startswith("须由业主签领钥匙")


def test_only_one_flats_owner_keys_are_issued(people):
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as excinfo:
        issue(people, customer, [public_key(people.archivist)])
    assert message(excinfo, "keys") == "只发放业主钥匙；公共门窗和设施设备房钥匙不发给业主"
    mine, neighbours = owner_key(people.archivist), owner_key(people.archivist, room="0501")
    with pytest.raises(ValidationError) as excinfo:
        issue(people, customer, [mine, neighbours])
    assert message(excinfo, "keys") == "一次只发放同一户的钥匙"
    lent(people.archivist, mine, people.clerk)
    with pytest.raises(ValidationError) as excinfo:
        issue(people, customer, [mine])
    assert message(excinfo, "keys") == "3栋-2单元-05层-0502 防盗铁门钥匙为「借出」，不在柜中，不能发放"


def test_another_document_is_accepted_when_checked(people):
    customer = CustomerFactory(id_type="", id_number="")
    done = issue(
        people,
        customer,
        [owner_key(people.archivist)],
        identity_document="入伙通知书",
        identity_number="RH0001",
    )
    assert done.identity_number == "RH0001"


# ---------------------------------------------------------------- copies


def test_copying_an_owners_key_is_the_owners_business(people):
    with pytest.raises(ValidationError) as excinfo:
        copy_requested(people.archivist, owner_key(people.archivist))
    assert message(excinfo, "key").startswith("业主钥匙由业主自行配制，客服中心不代为配制")


def test_a_copy_is_made_only_with_the_engineering_managers_consent(people):
    key = equipment_key(people.archivist)
    request = copy_requested(people.archivist, key, copies=2)
    with pytest.raises(ValidationError) as excinfo:
        services.record_copy_made(actor=people.archivist, request=request)
    assert message(excinfo, "state").startswith("未经工程部经理或主管同意，任何人不得私配钥匙")
    with pytest.raises(PermissionDenied):
        services.consent(actor=people.head, request=request)  # no consent_keycopy
    services.consent(actor=people.engineer, request=request, note="同意")
    services.record_copy_made(actor=people.archivist, request=request)
    key.refresh_from_db()
    assert key.copies == 3
    assert verbs(key) == [
        KeyEvents.REGISTERED,
        KeyEvents.COPY_REQUESTED,
        KeyEvents.COPY_CONSENTED,
        KeyEvents.COPY_MADE,
    ]


def test_the_requester_cannot_consent_to_their_own_request(people):
    from django.contrib.auth.models import Permission

    # given an engineering manager who may also ask for copies
    people.engineer.user_permissions.add(Permission.objects.get(codename="add_keycopyrequest"))
    engineer = type(people.engineer).objects.get(pk=people.engineer.pk)
    request = copy_requested(engineer, equipment_key(people.archivist))
    # then someone else must consent
    people.engineer = engineer
    with pytest.raises(PermissionDenied, match="申请人不能决定自己的配制申请"):
        services.consent(actor=people.engineer, request=request)


def test_a_refusal_needs_a_reason_and_ends_the_request(people):
    request = copy_requested(people.archivist, public_key(people.archivist))
    with pytest.raises(ValidationError) as excinfo:
        services.refuse(actor=people.engineer, request=request, reason="")
    assert message(excinfo, "reason") == "请填写不同意配制的理由"
    services.refuse(actor=people.engineer, request=request, reason="备用钥匙够用")
    with pytest.raises(ValidationError) as excinfo:
        services.consent(actor=people.engineer, request=request)
    assert message(excinfo, "state") == "该申请为「不同意」，不能再作决定"
    assert KeyCopyRequest.objects.get().state == KeyCopyRequest.State.REFUSED


def test_a_copy_request_tells_the_engineering_managers(people):
    from kefu.core.models import Alert

    copy_requested(people.archivist, equipment_key(people.archivist))
    alert = Alert.objects.get(kind="archives.keycopy_requested")
    assert alert.recipient == people.engineer
    assert "申请配制钥匙「水泵房」1把" in alert.message


def test_one_open_copy_request_per_key(people):
    key = public_key(people.archivist)
    copy_requested(people.archivist, key)
    with pytest.raises(ValidationError) as excinfo:
        copy_requested(people.head, key)
    assert message(excinfo, "key") == "钥匙「3栋-2单元-05层-公共门窗」已有未办结的配制申请"
