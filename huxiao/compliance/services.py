"""Keeping the evaluation table current, and the campaigns in step with the shipped rule sets.

``evaluate_schools`` re-evaluates every applicable campaign rule for the given schools from their
records and rewrites only the rows whose status or reason changed. It follows the records after their
commit, through the handlers in ``handlers.py``: 三防 changes (``defense.changed``), devices heard again
or gone silent (``devices.network_changed``, judged by the device registry, which owns the networked
state: compliance only reads it), devices registered or taken out of use, schools registered, imported,
changed or moved (``core.schools_changed``); a school deleted through the signal in ``apps.py``.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from huxiao.compliance.choices import Status
from huxiao.compliance.facts import load_facts
from huxiao.compliance.models import Campaign, RateSnapshot, RegionRuleCount, RuleStatus
from huxiao.compliance.rules import shipped_rulesets
from huxiao.core import regions
from huxiao.core.models import Region, School

BATCH = 1000


def sync_campaigns(using="default") -> list[Campaign]:
    """Create or update a Campaign row for every shipped rule set (idempotent). Run after every
    ``migrate`` (post_migrate), so the campaigns exist from installation on."""
    out = []
    with transaction.atomic(using=using):
        for code, rs in shipped_rulesets().items():
            out.append(_sync_campaign(code, rs, using))
    return out


def _sync_campaign(code, rs, using) -> Campaign:
    phases = [{"name": p["name"], "start": p["start"].isoformat(), "end": p["end"].isoformat()} for p in rs.phases]
    campaign, _ = Campaign.objects.using(using).update_or_create(code=code, defaults={
        "name": rs.name, "issuer": rs.issuer, "region_code": rs.region, "start": rs.start, "end": rs.end,
        "phases": phases, "seed": rs.seed, "filename": rs.filename})
    return campaign


def _campaigns():
    """Campaigns whose rule set is shipped (a campaign whose file was removed keeps its history, unused)."""
    shipped = shipped_rulesets()
    campaigns = [c for c in Campaign.objects.all() if c.code in shipped]
    if not campaigns:
        campaigns = sync_campaigns()
    return campaigns


def campaigns_for(region_code: str) -> list[Campaign]:
    """Campaigns whose region covers ``region_code`` (or, for an upper region, overlaps it)."""
    return [c for c in _campaigns() if regions.overlaps(region_code, c.region_code)]


class Deltas(dict):
    """(campaign_id, rule_id, region_code) -> [applicable, met] changes of the region counters."""

    def count(self, campaign_id, rule_id, region_code, status, sign):
        if status == Status.NOT_APPLICABLE:
            return
        cell = self.setdefault((campaign_id, rule_id, region_code), [0, 0])
        cell[0] += sign
        if status == Status.MET:
            cell[1] += sign

    def apply(self):
        rows = [(c, r, code, a, m) for (c, r, code), (a, m) in sorted(self.items()) if a or m]
        if not rows:
            return
        table = RegionRuleCount._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (campaign_id, rule_id, region_code, applicable, met) VALUES (%s, %s, %s, %s, %s) "
                f"ON CONFLICT (campaign_id, rule_id, region_code) DO UPDATE SET "
                f"applicable = {table}.applicable + excluded.applicable, met = {table}.met + excluded.met", rows)


@transaction.atomic
def evaluate_schools(schools, now=None, campaigns=None) -> int:
    """Re-evaluate ``schools`` for every campaign covering them; returns the number of rows written.
    The region counters move by the same changes in the same transaction."""
    now = now or timezone.now()
    campaigns = campaigns if campaigns is not None else _campaigns()
    written = 0
    schools = list(schools)
    for start in range(0, len(schools), BATCH):
        chunk = schools[start:start + BATCH]
        facts = load_facts(chunk, now)
        ids = [s.pk for s in chunk]
        wanted = {c.pk for c in campaigns}
        existing = {(r.campaign_id, r.school_id, r.rule_id): r for r in RuleStatus.objects.filter(
            school_id__in=ids, campaign_id__in=wanted)}
        create, update, deltas = [], [], Deltas()
        for school in chunk:
            f = facts[school.pk]
            for campaign in campaigns:
                if not regions.within(school.region_code, campaign.region_code):
                    continue
                for rule in campaign.ruleset.rules:
                    status, reason = rule.evaluate(f)
                    reason = reason[:500]
                    row = existing.pop((campaign.pk, school.pk, rule.id), None)
                    if row is None:
                        create.append(RuleStatus(campaign=campaign, rule_id=rule.id, school_id=school.pk,
                                                 region_code=school.region_code, status=status, reason=reason,
                                                 evaluated_at=now))
                        deltas.count(campaign.pk, rule.id, school.region_code, status, 1)
                    elif (row.status, row.reason, row.region_code) != (status, reason, school.region_code):
                        deltas.count(campaign.pk, rule.id, row.region_code, row.status, -1)
                        deltas.count(campaign.pk, rule.id, school.region_code, status, 1)
                        row.status, row.reason, row.region_code, row.evaluated_at = (
                            status, reason, school.region_code, now)
                        update.append(row)
        RuleStatus.objects.bulk_create(create, batch_size=2000)
        RuleStatus.objects.bulk_update(update, ["status", "reason", "region_code", "evaluated_at"], batch_size=2000)
        if existing:  # rules no longer shipped, campaigns no longer covering the school
            for r in existing.values():
                deltas.count(r.campaign_id, r.rule_id, r.region_code, r.status, -1)
            RuleStatus.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
        deltas.apply()
        written += len(create) + len(update)
    return written


@transaction.atomic
def forget_school(school):
    """Before a school is deleted: take its evaluations out of the region counters."""
    deltas = Deltas()
    for r in RuleStatus.objects.filter(school=school):
        deltas.count(r.campaign_id, r.rule_id, r.region_code, r.status, -1)
    deltas.apply()


@transaction.atomic
def rebuild_counts(campaign=None) -> int:
    """Recompute the region counters from the evaluation table (after bulk loads; a daily check)."""
    qs = RuleStatus.objects.exclude(status=Status.NOT_APPLICABLE)
    counters = RegionRuleCount.objects.all()
    if campaign is not None:
        qs, counters = qs.filter(campaign=campaign), counters.filter(campaign=campaign)
    counters.delete()
    rows = [RegionRuleCount(campaign_id=r["campaign_id"], rule_id=r["rule_id"], region_code=r["region_code"],
                            applicable=r["n"], met=r["m"])
            for r in qs.values("campaign_id", "rule_id", "region_code").annotate(
                n=Count("id"), m=Count("id", filter=Q(status=Status.MET))).order_by()]
    RegionRuleCount.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def refresh_school(school, now=None) -> int:
    """A school saved (its type, size or setting may have changed): evaluate it again."""
    return evaluate_schools([school], now)


def refresh_school_ids(school_ids, now=None) -> int:
    """The event handlers' entry: evaluate each of these schools once (those deleted meanwhile skipped)."""
    if not school_ids:
        return 0
    return evaluate_schools(School.objects.filter(pk__in=sorted(set(school_ids))).order_by("pk"), now)


def evaluate_all(now=None) -> int:
    sync_campaigns()
    return evaluate_schools(School.objects.order_by("pk"), now)


@transaction.atomic
def take_snapshot(day: datetime.date | None = None) -> int:
    """Store today's rates for every campaign, rule and region prefix (province, city, county, town)."""
    day = day or timezone.localdate()
    RateSnapshot.objects.filter(day=day).delete()
    rows = []
    counters = list(RegionRuleCount.objects.values_list("campaign_id", "rule_id", "region_code", "applicable", "met"))
    for length in (2, 4, 6, 9):
        counts = {}
        for campaign_id, rule_id, code, applicable, met in counters:
            if len(code) < length or not applicable:
                continue
            key = (campaign_id, rule_id, code[:length])
            a, m = counts.get(key, (0, 0))
            counts[key] = (a + applicable, m + met)
        rows += [RateSnapshot(day=day, campaign_id=c, rule_id=rule, region_prefix=p, applicable=a, met=m)
                 for (c, rule, p), (a, m) in counts.items()]
    RateSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def region_levels():
    return {r.code: r for r in Region.objects.all()}
