"""What the meters tell other domains. The inspection app (issue 17) connects to
`inspection_task_created(task)`: an urgent report to verify (ch.4 §4.2.2) or a replaced faulty meter
whose usage to follow (§4.2.3). Until then the tasks are listed on the meters' 稽查跟踪 page."""

from django.dispatch import Signal

inspection_task_created = Signal()
