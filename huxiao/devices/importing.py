"""The Excel import page of 技防 devices: the same rows, rules and report as ``POST /api/v1/devices/bulk``
(``devices.bulk``); each new device's secret is on the answer page once, never again."""

from django.urls import reverse
from django.utils.translation import gettext as _

from huxiao.core.import_pages import ImportSpec, import_page
from huxiao.core.views import require_perm
from huxiao.devices import bulk


@require_perm(bulk.REGISTER)
def import_devices(request):
    spec = ImportSpec(what=_("技防设备"), fields=bulk.FIELDS, back_url=reverse("device-list"), shows_secrets=True,
                      run=lambda rows, actor, source: bulk.do_bulk_register(rows, actor=actor, source=source))
    return import_page(request, spec, "core/import_rows.html")
