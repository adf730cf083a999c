"""The URLs of the portal's own process (portal_settings): the portal and its CAPTCHA."""

from django.urls import include, path

urlpatterns = [
    path("portal/", include("zhaoshang.portal.urls")),
    path("portal/captcha/", include("captcha.urls")),
]

handler404 = "zhaoshang.common.errors.not_found"
handler500 = "zhaoshang.common.errors.server_error"
