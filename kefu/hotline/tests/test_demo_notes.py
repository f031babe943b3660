"""The demo shows work-order collaboration (W1, H17): 督办意见 signed for and one outstanding on
unit11's queue, a 批示, internal notes with a mention, all written in the past."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from kefu.core.models import Alert
from kefu.hotline.models import LeaderInstruction, WorkOrderNote

pytestmark = pytest.mark.django_db
SEEDED_AT = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_demo_has_supervisions_signed_and_outstanding_notes_and_a_mention(capsys):
    with time_machine.travel(SEEDED_AT, tick=False):
        call_command("seed_demo", customers=60, seed=7, processes=False)
        out = capsys.readouterr().out
        supervisions = LeaderInstruction.objects.filter(kind="supervision")
        assert supervisions.count() == 3
        assert supervisions.filter(acknowledged_at__isnull=True, unit__code="FGS01").count() == 1
        assert WorkOrderNote.objects.count() == 2
        assert LeaderInstruction.objects.filter(kind="escalation").count() <= 1
        assert Alert.objects.filter(kind="hotline.mention").exists()
        assert all(i.created_at < SEEDED_AT for i in LeaderInstruction.objects.all())
        assert "督办意见：3 条（已签收 2，待签收 1" in out
        # a second run adds nothing
        call_command("seed_demo", customers=60, seed=7, processes=False, verbosity=0)
        assert LeaderInstruction.objects.filter(kind="supervision").count() == 3
