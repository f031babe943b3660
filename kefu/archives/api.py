"""The archives API (D1–D4): one router per subject, mounted here; every endpoint checks login and
permission through the same helpers as the pages."""

from ninja import Router

from kefu.archives import api_destruction, api_filing, api_keys, api_loans

router = Router(tags=["档案与钥匙"])
router.add_router("", api_filing.router)
router.add_router("", api_loans.router)
router.add_router("", api_destruction.router)
router.add_router("", api_keys.router)
