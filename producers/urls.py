from django.urls import path, re_path

from . import trace_views, views

app_name = "producers"

# Lot routes are lenient on purpose: a mistyped GTIN or lot code reaches the
# view, which answers with a helpful 404 page instead of the generic one.
urlpatterns = [
    path("hop-tac-xa/", views.cooperative_list, name="cooperative_list"),
    path(
        "hop-tac-xa/<slug:slug>/", views.cooperative_detail, name="cooperative_detail"
    ),
    path("truy-xuat/", trace_views.lot_lookup, name="lot_lookup"),
    # GS1 Digital Link: the URI printed in the QR code never changes.
    re_path(
        r"^01/(?P<gtin>[^/]{1,40})/10/(?P<lot>[^/]{1,80})/?$",
        trace_views.lot_digital_link,
        name="lot_digital_link",
    ),
    # QR codes carry the URL upper-cased (smaller symbol), so /L/ is the same route.
    re_path(
        r"^[lL]/(?P<public_id>[^/]{1,40})/$",
        trace_views.lot_short,
        name="lot_short",
    ),
    re_path(
        r"^[lL]/(?P<public_id>[^/]{1,40})/qr\.svg$",
        trace_views.lot_qr_svg,
        name="lot_qr_svg",
    ),
    re_path(
        r"^[lL]/(?P<public_id>[^/]{1,40})/qr\.png$",
        trace_views.lot_qr_png,
        name="lot_qr_png",
    ),
]
