"""The inspection API (I1–I4): one router per subject, mounted here; every endpoint checks login and
permission through the same helpers as the pages."""

from ninja import Router

from kefu.inspection import api_cases, api_field, api_patrols

router = Router(tags=["供水稽查"])
router.add_router("", api_cases.router)
router.add_router("", api_field.router)
router.add_router("", api_patrols.router)
