"""Demo compliance: campaigns from the shipped rule sets, the evaluation of every school, and four weeks
of daily snapshots replayed from the records (each earlier day with the guards hired and devices
installed by then, and the improvements made since undone), so the trend is real, not drawn."""

import datetime

from django.db import transaction

from huxiao.compliance.models import RateSnapshot, RegionRuleCount, RuleStatus
from huxiao.compliance.services import evaluate_all, evaluate_schools, sync_campaigns, take_snapshot
from huxiao.core.models import School
from huxiao.defense.models import Facility, Guard
from huxiao.devices.models import Device


def seed(ctx):
    sync_campaigns()
    _history(ctx)
    evaluate_all(now=ctx.now)
    take_snapshot(ctx.today)


def _history(ctx, weeks=4):
    """Snapshots of earlier weeks: evaluate with later improvements held back, then roll back."""
    rng = ctx.rng
    schools = list(School.objects.order_by("pk"))
    for week in range(weeks, 0, -1):
        day = ctx.today - datetime.timedelta(days=7 * week)
        with transaction.atomic():
            share = 0.08 * week  # the further back, the more was still missing
            late_guards = [g.pk for g in Guard.objects.filter(active=True) if rng.random() < share / 2]
            Guard.objects.filter(pk__in=late_guards).update(active=False)
            for f in Facility.objects.all():
                if rng.random() < share:
                    f.closed_management = False
                if rng.random() < share:
                    f.anti_ramming_kinds = []
                Facility.objects.filter(pk=f.pk).update(closed_management=f.closed_management,
                                                        anti_ramming_kinds=f.anti_ramming_kinds)
            offline = [d.pk for d in Device.objects.all() if rng.random() < share]
            Device.objects.filter(pk__in=offline).update(last_seen_at=None)
            evaluate_schools(schools, now=ctx.now)
            RateSnapshot.objects.filter(day=day).delete()
            take_snapshot(day)
            snapshots = list(RateSnapshot.objects.filter(day=day).values())
            transaction.set_rollback(True)
        RateSnapshot.objects.bulk_create([RateSnapshot(**s) for s in snapshots])
    RuleStatus.objects.all().delete()
    RegionRuleCount.objects.all().delete()
