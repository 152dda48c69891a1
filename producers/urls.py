from django.urls import path

from . import views

app_name = "producers"

urlpatterns = [
    path("hop-tac-xa/", views.cooperative_list, name="cooperative_list"),
    path(
        "hop-tac-xa/<slug:slug>/", views.cooperative_detail, name="cooperative_detail"
    ),
]
