from datetime import timedelta

import factory
from django.utils import timezone

from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.knowledge.models import Article, PlannedOutage


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"知识条目{n}")
    kind = Article.Kind.FAQ
    body = "正文内容"
    keywords = ""

    @factory.post_generation
    def service_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.service_areas.set(extracted)


class PlannedOutageFactory(factory.django.DjangoModelFactory):
    """A published outage on now (began an hour ago, back in three) in a new area unless given some."""

    class Meta:
        model = PlannedOutage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"计划停水{n}")
    reason = "管道维修"
    affected_addresses = "文三路沿线"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    notice = "您好，该区域正在停水，预计下午恢复。"

    @factory.post_generation
    def service_areas(self, create, extracted, **kwargs):
        if create:
            self.service_areas.set(extracted or [ServiceAreaFactory()])
