"""The quality API (Q1–Q3): one router per subject, mounted here; every endpoint checks login and
permission through the same helpers as the pages."""

from ninja import Router

from kefu.quality import api_checks, api_indicators, api_months, api_sampling, api_sheets, api_summaries

router = Router(tags=["质检与考核"])
router.add_router("", api_checks.router)
router.add_router("", api_sampling.router)
router.add_router("", api_summaries.router)
router.add_router("", api_sheets.router)
router.add_router("", api_months.router)
router.add_router("", api_indicators.router)
