from decimal import Decimal

from kefu.collection import services
from kefu.customers.tests.factories import AccountFactory


def pay(clerk, *, account=None, amount="100.00", kind="current", method="cash", **kwargs):
    """A payment taken through the service, as the window takes it."""
    account = account or AccountFactory(arrears=Decimal("0"))
    return services.record_payment(
        actor=clerk, account=account, amount=Decimal(amount), kind=kind, method=method, **kwargs
    )
