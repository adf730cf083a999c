from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("new/", views.agreement_create, name="agreement_create"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/commitments/", views.commitment_add, name="commitment_add"),
    path("<int:pk>/clauses/new/", views.clause_create, name="clause_create"),
    path("<int:pk>/files/", views.file_add, name="file_add"),
    path("<int:pk>/move-out/", views.move_out, name="move_out"),
    path("<int:pk>/calculate/", views.calculation_run, name="calculation_run"),
    path("<int:pk>/clawbacks/new/", views.clawback_create, name="clawback_create"),
    path("clauses/<int:pk>/amend/", views.clause_amend, name="clause_amend"),
    path("files/<int:pk>/", views.file_download, name="file_download"),
    path("calculations/<int:pk>/", views.calculation_detail, name="calculation_detail"),
    path("calculations/<int:pk>/submit/", views.calculation_submit, name="calculation_submit"),
    path("disbursements/", views.disbursement_list, name="disbursement_list"),
    path("disbursements/<int:pk>/", views.disbursement_detail, name="disbursement_detail"),
    path("disbursements/<int:pk>/move/", views.disbursement_move, name="disbursement_move"),
    path("disbursements/<int:pk>/data/", views.disbursement_data, name="disbursement_data"),
    path("data-confirmations/", views.data_queue, name="data_queue"),
    path("clawbacks/<int:pk>/", views.clawback_detail, name="clawback_detail"),
    path("clawbacks/<int:pk>/move/", views.clawback_move, name="clawback_move"),
    path("operating-data/", views.data_list, name="data_list"),
    path("operating-data/imports/", views.import_list, name="import_list"),
    path("operating-data/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("fulfilment/", views.fulfilment, name="fulfilment"),
    path("report/", views.report, name="report"),
]
