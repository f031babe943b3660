"""What inspection hears from other domains: a case from each theft report the hotline sends to the
inspection team, a verification case for each urgent meter replacement and a usage-tracking case after
it (kefu.meters.signals.inspection_task_created). Filled in by the cases subject."""


def connect() -> None:
    pass
