from datetime import date
from decimal import Decimal

import factory

from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core.validators import resident_id_check_digit
from kefu.customers.models import Account, ContactPerson, Contract, Customer, Meter, ServicePoint


def resident_id(n: int, birth: str = "19800101", region: str = "330106") -> str:
    first17 = f"{region}{birth}{n % 1000:03d}"
    return first17 + resident_id_check_digit(first17)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: f"KH{n + 1:08d}")
    kind = Customer.Kind.INDIVIDUAL
    name = "王建国"
    name_pinyin = "wangjianguo"
    name_initials = "wjg"
    id_type = Customer.IdType.RESIDENT_ID
    id_number = factory.Sequence(lambda n: resident_id(n))
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    address = "西湖区文三路100号1幢1单元101室"
    service_area = factory.SubFactory(ServiceAreaFactory)


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    customer = factory.SubFactory(CustomerFactory)
    name = "李秀英"
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    customer = factory.SubFactory(CustomerFactory)
    number = factory.Sequence(lambda n: f"{n + 1:010d}")
    arrears = Decimal("0")


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    customer = factory.SubFactory(CustomerFactory)
    connection_point_no = factory.Sequence(lambda n: f"JS{n + 1:08d}")
    address = factory.SelfAttribute("customer.address")
    service_area = factory.SelfAttribute("customer.service_area")


class MeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meter

    service_point = factory.SubFactory(ServicePointFactory)
    number = factory.Sequence(lambda n: f"SB{n + 1:09d}")
    caliber_dn = 20
    install_date = date(2020, 5, 1)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    customer = factory.SubFactory(CustomerFactory)
    number = factory.Sequence(lambda n: f"GYS{n + 1:07d}")
    signed_on = date(2024, 1, 1)
