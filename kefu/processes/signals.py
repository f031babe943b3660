"""Signals other domains listen to. `meter_work_requested(process, work)` is sent after commit when
counter business needs the meter store: work is "remove" (拆表任务单: suspension, cancellation, old
meter of a capacity change) or "issue" (改表领表单: a new or changed meter). The meters app of a later
issue connects here; nothing listens yet."""

from django.dispatch import Signal

meter_work_requested = Signal()
