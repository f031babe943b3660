from functools import lru_cache

import factory
from django.contrib.auth.hashers import make_password

from kefu.accounts.models import Center, Department, Role, ServiceArea, Team, Unit, User
from kefu.accounts.roles import group_name


@lru_cache(maxsize=1)
def test_password_hash() -> str:
    return make_password("kefu-test-pass")


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Center
        django_get_or_create = ["code"]

    code = "ZX"
    name = "客户服务中心"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    center = factory.SubFactory(CenterFactory)
    code = "KFB"
    name = "客服部"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"BZ{n:02d}")
    name = factory.Sequence(lambda n: f"热线{n}班")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"DW{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}供水分公司")
    kind = Unit.Kind.BRANCH


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    code = factory.Sequence(lambda n: f"PQ{n:02d}")
    name = factory.Sequence(lambda n: f"片区{n}")
    branch = factory.SubFactory(UnitFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """A member of staff in a role, in the role's permission group, password 'kefu-test-pass'."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.AGENT
    # Argon2 is slow on purpose; hash the shared test password once per process, not once per user.
    password = factory.LazyFunction(lambda: test_password_hash())

    @factory.post_generation
    def role_group(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        if self.role:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name=group_name(self.role)))
