"""/portal/… in Chinese and /portal/en/… in English: the same views, the language in
the URL (so each language is cached apart and the staff system is never switched)."""

from django.urls import include, path

from . import views


def pages(suffix, lang):
    kw = {"lang": lang}
    return [
        path("", views.home, kw, name=f"home{suffix}"),
        path("zones/", views.zones, kw, name=f"zones{suffix}"),
        path("carriers/", views.carriers, kw, name=f"carriers{suffix}"),
        path("opportunities/", views.opportunity_list, kw, name=f"opportunity_list{suffix}"),
        path(
            "opportunities/<int:pk>/",
            views.opportunity_detail,
            kw,
            name=f"opportunity_detail{suffix}",
        ),
        path(
            "opportunities/<int:pk>/files/<int:doc_pk>/",
            views.opportunity_file,
            kw,
            name=f"opportunity_file{suffix}",
        ),
        path("policies/", views.policy_list, kw, name=f"policy_list{suffix}"),
        path("policies/<int:pk>/", views.policy_detail, kw, name=f"policy_detail{suffix}"),
        path(
            "policies/<int:pk>/files/<int:file_pk>/",
            views.policy_file,
            kw,
            name=f"policy_file{suffix}",
        ),
        path("enterprises/", views.enterprises, kw, name=f"enterprises{suffix}"),
        path("results/", views.results, kw, name=f"results{suffix}"),
        path("bulletins/", views.bulletin_list, kw, name=f"bulletin_list{suffix}"),
        path("bulletins/<int:pk>/", views.bulletin_detail, kw, name=f"bulletin_detail{suffix}"),
        path("cases/", views.cases, kw, name=f"cases{suffix}"),
        path("enquiry/", views.enquiry, kw, name=f"enquiry{suffix}"),
        path("complaint/", views.complaint, kw, name=f"complaint{suffix}"),
    ]


app_name = "portal"
urlpatterns = [
    *pages("", views.ZH),
    path("en/", include(pages("_en", views.EN))),
]
