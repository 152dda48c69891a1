from django.urls import path, re_path

from . import trace_views, views

app_name = "producers"

urlpatterns = [
    path("hop-tac-xa/", views.cooperative_list, name="cooperative_list"),
    path(
        "hop-tac-xa/<slug:slug>/", views.cooperative_detail, name="cooperative_detail"
    ),
    # GS1 Digital Link: the URI printed in the QR code never changes.
    re_path(
        r"^01/(?P<gtin>[0-9]{8,14})/10/(?P<lot>[A-Za-z0-9-]{1,40})/?$",
        trace_views.lot_digital_link,
        name="lot_digital_link",
    ),
    # QR codes carry the URL upper-cased (smaller symbol), so /L/ is the same route.
    re_path(
        r"^[lL]/(?P<public_id>[A-Za-z0-9]{1,16})/$",
        trace_views.lot_short,
        name="lot_short",
    ),
]
