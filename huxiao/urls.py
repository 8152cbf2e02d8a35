"""URLs: the API under /api/v1/, each domain app's pages under /<app>/, core pages at the root."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import include, path
from django.views.generic import RedirectView

from huxiao.api import api, docs_guard
from huxiao.core.discovery import app_modules

# The admin site signs in through the product's sign-in (throttling, second factor, forced changes).
admin.site.login = login_required(admin.site.login)


def openapi_json(request):
    return JsonResponse(api.get_openapi_schema(path_prefix="/api/v1"), json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("api/v1/", api.urls),
    path("api/openapi.json", docs_guard(openapi_json), name="openapi"),
    path("api/docs", docs_guard(RedirectView.as_view(url="/api/v1/docs")), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("", include("huxiao.core.urls")),
]

for app, _module in app_modules("urls", include_core=False):
    urlpatterns.append(path(f"{app.rsplit('.', 1)[-1]}/", include(f"{app}.urls")))
