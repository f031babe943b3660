"""Stock users per role and shared fixtures for the whole suite."""

import pytest

from kefu.accounts.models import Role


@pytest.fixture
def make_user(db):
    from kefu.accounts.tests.factories import UserFactory

    def make(role=Role.AGENT, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT, username="agent", name="话务员小张")


@pytest.fixture
def department_head(make_user):
    return make_user(Role.DEPARTMENT_HEAD, username="head", name="主任老李")


@pytest.fixture
def counter_clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk", name="营业员小王")


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, username="admin1", name="管理员")


@pytest.fixture
def archivist(make_user):
    return make_user(Role.ARCHIVIST, username="archivist", name="档案员")


@pytest.fixture
def outsider(make_user):
    """Logged in, but with no role: may open nothing but the home page."""
    return make_user("", username="outsider", name="外来人员")


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def shipped_categories(db):
    """The hotline categories the data migration ships. A transactional test (browser tests, threads)
    flushes the tables afterwards and the flush re-runs post_migrate but not data migrations, so such
    tests ask for this fixture to have them again."""
    from importlib import import_module

    from django.apps import apps

    import_module("kefu.hotline.migrations.0002_shipped_categories").create_categories(apps, None)


@pytest.fixture
def world(db):
    """The one test world (kefu/testing/world.py): the utility with its branches, areas, special units,
    two shifts, a user per role and a customer in each branch's area."""
    from kefu.testing.world import build_world

    return build_world()
