"""The meters API (M1–M8): one router per subject, mounted here; every endpoint checks login and
permission through the same helpers as the pages."""

from ninja import Router

from kefu.meters import api_acceptance, api_issues, api_purchases, api_replacements, api_returns, api_store

router = Router(tags=["水表"])
router.add_router("", api_store.router)
router.add_router("", api_purchases.router)
router.add_router("", api_issues.router)
router.add_router("", api_replacements.router)
router.add_router("", api_returns.router)
router.add_router("", api_acceptance.router)
