from django.urls import path

from . import account_views, buying_views, views

app_name = "market"

urlpatterns = [
    path("san-pham/", views.catalogue, name="catalogue"),
    path("san-pham/<slug:slug>/", views.product_detail, name="product_detail"),
    path("tim-kiem/", views.search, name="search"),
    # Buying
    path("gio-hang/", buying_views.cart_view, name="cart"),
    path("thanh-toan/", buying_views.checkout, name="checkout"),
    path("thanh-toan/xa-phuong/", buying_views.communes, name="communes"),
    path(
        "don-hang/<str:number>/<str:token>/",
        buying_views.order_confirmation,
        name="order_confirmation",
    ),
    path(
        "don-hang/<str:number>/<str:token>/thanh-toan/",
        buying_views.order_payment,
        name="order_payment",
    ),
    path(
        "don-hang/<str:number>/<str:token>/thanh-toan-lai/",
        buying_views.order_retry_payment,
        name="order_retry_payment",
    ),
    path("tra-cuu-don-hang/", buying_views.order_tracking, name="order_tracking"),
    # Buyer accounts (the admin keeps Wagtail's own login)
    path("tai-khoan/", account_views.account, name="account"),
    path(
        "tai-khoan/don-hang/<str:number>/",
        account_views.account_order,
        name="account_order",
    ),
    path("tai-khoan/dang-nhap/", account_views.login_view, name="login"),
    path("tai-khoan/dang-ky/", account_views.signup, name="signup"),
    path("tai-khoan/dang-xuat/", account_views.logout_view, name="logout"),
]
