from django.urls import path

from . import views

app_name = "market"

urlpatterns = [
    path("san-pham/", views.catalogue, name="catalogue"),
    path("san-pham/<slug:slug>/", views.product_detail, name="product_detail"),
    path("tim-kiem/", views.search, name="search"),
]
