"""Public trace pages of lots, reached from the QR code on a package."""

from django.shortcuts import get_object_or_404, render

from .models import Lot


def _render_lot(request, lot):
    return render(request, "producers/lot_detail.html", {"lot": lot})


def lot_digital_link(request, gtin, lot):
    found = get_object_or_404(Lot, gtin=gtin.lstrip("0").zfill(14), code=lot.upper())
    return _render_lot(request, found)


def lot_short(request, public_id):
    return _render_lot(request, get_object_or_404(Lot, public_id=public_id.upper()))
