"""Excel import pages of the 三防 records (guards, facilities, equipment): the same rows, rules and report
as the bulk API (``defense.bulk``), through ``core.import_pages``."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from huxiao.core.import_pages import ImportSpec, import_page
from huxiao.core.records.views import require_perm
from huxiao.defense import bulk

LISTS = {"guards": "defense-guard-list", "facilities": "defense-facility-list", "equipment": "defense-equipment-list"}


def _spec(kind: str) -> ImportSpec:
    fields, _handle, _event, _model, label = bulk.KINDS[kind]
    return ImportSpec(what=str(label), fields=fields, back_url=reverse(LISTS[kind]),
                      run=lambda rows, actor, source: bulk.do_bulk(kind, rows, actor=actor, source=source))


@require_perm(bulk.CHANGE)
def import_records(request, kind):
    if kind not in bulk.KINDS:
        raise Http404(_("没有这种导入"))
    return import_page(request, _spec(kind), "core/import_rows.html")
