"""What the meters app listens to: counter business asking the store (processes'
`meter_work_requested`). Connected once in ready()."""


def connect() -> None:
    from kefu.meters.services import returns
    from kefu.processes.signals import meter_work_requested

    meter_work_requested.connect(returns.on_meter_work_requested, dispatch_uid="meters.meter_work")
