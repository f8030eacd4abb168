from django.urls import path

from . import licences

app_name = "licences"

urlpatterns = [
    path("", licences.licence_list, name="list"),
    path("upload/", licences.usage_upload, name="upload"),
    path("<str:number>/", licences.licence_detail, name="detail"),
    path("<str:number>/usage/", licences.usage_add, name="usage"),
    path("<str:number>/declare/", licences.period_declare, name="declare"),
    path("<str:number>/surrender/", licences.surrender, name="surrender"),
    path("<str:number>/conditions/<int:condition_id>/meet/", licences.condition_meet, name="condition-meet"),
]
