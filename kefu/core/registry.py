"""What each domain app tells the platform about itself, in its `AppConfig.ready()`.

`core` imports no domain app: the platform pieces (the rules catalogue, the worker, the demo seeder,
the role groups, the navigation) read these registries instead, and an app that is not installed is
simply not in them. Each app registers:

- its rules (`kefu.<app>.policies.RULES`, see `kefu.core.policies.declare_rules`);
- its default permissions per role (`kefu.<app>.roles.DEFAULT_PERMISSIONS`);
- its background jobs (`Job`: a name, how often, a function of the current time);
- its report kinds (`ReportKind`), read by `kefu.reports`;
- its demo seeder (`Seeder`, with an order: the organisation before customers before contacts);
- its navigation entry and home tile (`NavEntry`);
- its alert kinds (`alert_kinds`: code → Chinese label, read by the alerts page and the bell);
- its part of a customer's 360 timeline (`timeline`: a function of customer and viewer);
- its part of each person's home page (`home_panels`: functions of the user giving their open items);
- its notices for the caller on the hotline workspace (`caller_panels`: functions of the user and the
  caller, such as an open incident in the caller's area);
- what a member of staff holds in it and how to hand it to a colleague (`holdings`, `Holding`), so that
  accounts can refuse to deactivate someone who still holds work and hand it over without importing
  the apps above it.

The registries are filled once at start-up and only read afterwards.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Job:
    """A background job the worker runs on every pass; the job itself decides whether anything is due
    (a deadline scan runs each pass; a once-a-day job compares the clock with its rule and claims its
    day with `kefu.core.claims.claim`). `run(now, verbose=...)` returns what it did, in Chinese, one
    line per thing; `verbose` (the worker run `--once` or with `-v 2`) asks for how things stand too,
    such as the deadline scan's counts, which a long-running worker prints only when there is news."""

    name: str
    label: str
    run: Callable[..., list[str]]  # run(now: datetime, *, verbose: bool) -> lines
    order: int = 100  # lower runs first within a pass (the KPI rollups before the reports that read them)


@dataclass(frozen=True)
class Seeder:
    """A demo seeder: `seed(options)` adds what is missing and returns lines to print.

    `arguments(parser)` adds the seeder's own options to `manage.py seed_demo` (the customers' count,
    the contacts…); `check(options)` refuses bad ones (raising CommandError) before anything is
    written; `closing()` gives lines for the end of the run, after every seeder's report (the demo
    logins, which the reader wants last)."""

    name: str
    order: int
    seed: Callable[[dict[str, Any]], list[str]]
    arguments: Callable[[Any], None] | None = None
    check: Callable[[dict[str, Any]], None] | None = None
    closing: Callable[[], list[str]] | None = None


@dataclass(frozen=True)
class NavEntry:
    """An entry of the top navigation and, when `tile` is given, a tile on the home page.

    `visible(user)` decides who sees it (the same rule as the page's own permission check)."""

    label: str
    url_name: str
    order: int
    visible: Callable[[Any], bool]
    tile: str = ""  # the home tile's one-line description; empty for no tile


@dataclass(frozen=True)
class Holding:
    """Work a member of staff personally holds in one app (A3, H7: open orders and the callbacks on
    them, processes taken in), read before the person is deactivated and moved by the hand-over page.

    `held(user)` -> list of (Chinese label, count, url or "") for what they hold now, counts above 0 only;
    `refuse(successor)` -> "" or a Chinese reason the successor cannot take this app's work (role, unit);
    `hand_over(*, actor, from_user, to_user, reason)` -> how many things moved, each recorded on its
    own record and the customers' archives. Accounts checks the actor's permission before calling."""

    name: str
    held: Callable[[Any], list[tuple[str, int, str]]]
    hand_over: Callable[..., int]
    refuse: Callable[[Any], str] = lambda successor: ""


@dataclass
class Registry:
    jobs: dict[str, Job] = field(default_factory=dict)
    seeders: dict[str, Seeder] = field(default_factory=dict)
    role_permissions: list[dict[str, list[str]]] = field(default_factory=list)
    report_kinds: dict[str, Any] = field(default_factory=dict)
    nav: list[NavEntry] = field(default_factory=list)
    alert_kinds: dict[str, str] = field(default_factory=dict)
    timeline_sources: list[Callable[..., Any]] = field(default_factory=list)
    home_panels: list[Callable[..., Any]] = field(default_factory=list)
    caller_panels: list[Callable[..., Any]] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)

    def add_job(self, job: Job) -> None:
        _add_once(self.jobs, job.name, job, "job")

    def add_seeder(self, seeder: Seeder) -> None:
        _add_once(self.seeders, seeder.name, seeder, "seeder")

    def add_role_permissions(self, permissions: dict[str, list[str]]) -> None:
        self.role_permissions.append(permissions)

    def add_report_kind(self, code: str, kind: Any) -> None:
        _add_once(self.report_kinds, code, kind, "report kind")

    def add_nav(self, entry: NavEntry) -> None:
        self.nav.append(entry)

    def register_app(
        self,
        app_config,
        *,
        rules: dict | None = None,
        roles: dict[str, list[str]] | None = None,
        jobs: list[Job] = (),
        seeder: Seeder | None = None,
        report_kinds: list = (),
        nav: list[NavEntry] = (),
        alert_kinds: dict[str, str] | None = None,
        timeline: Callable[..., Any] | None = None,
        home_panels: list[Callable[..., Any]] = (),
        caller_panels: list[Callable[..., Any]] = (),
        holdings: list[Holding] = (),
    ) -> None:
        """Everything one app tells the platform, in one call from its AppConfig.ready(): its rules
        (grouped under the app's verbose name on the 业务规则 page), its roles' default permissions, its
        background jobs, its demo seeder, its report kinds (each with a `code`), its menu entries, its alert
        kinds, its part of the customer timeline, its home-page panels and its workspace caller panels."""
        from kefu.core.policies import declare_rules

        if rules:
            declare_rules(str(app_config.verbose_name), rules)
        if roles:
            self.add_role_permissions(roles)
        for job in jobs:
            self.add_job(job)
        if seeder is not None:
            self.add_seeder(seeder)
        for kind in report_kinds:
            self.add_report_kind(kind.code, kind)
        for entry in nav:
            self.add_nav(entry)
        for code, label in (alert_kinds or {}).items():
            _add_once(self.alert_kinds, code, label, "alert kind")
        if timeline is not None:
            self.timeline_sources.append(timeline)
        self.home_panels.extend(home_panels)
        self.caller_panels.extend(caller_panels)
        self.holdings.extend(holdings)

    def ordered_jobs(self) -> list[Job]:
        return sorted(self.jobs.values(), key=lambda job: (job.order, job.name))

    def ordered_seeders(self) -> list[Seeder]:
        return sorted(self.seeders.values(), key=lambda seeder: (seeder.order, seeder.name))

    def ordered_nav(self) -> list[NavEntry]:
        return sorted(self.nav, key=lambda entry: (entry.order, entry.label))


def _add_once(table: dict, name: str, value, what: str) -> None:
    # Registered twice means two apps chose one name, or ready() ran twice: both are bugs to see early.
    if name in table and table[name] != value:
        raise ValueError(f"{what} {name!r} is registered twice")
    table[name] = value


platform = Registry()
