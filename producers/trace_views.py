"""Public trace pages of lots, reached from the QR code on a package.

One lot, several representations: the HTML page for people (GS1 link type
`gs1:traceability`), an EPCIS 2.0 JSON-LD document for machines (asked for
with `Accept: application/ld+json` or `?format=jsonld`), a GS1 Digital Link
linkset (`?linkType=all`) and the QR code itself.
"""

from __future__ import annotations

import json

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import digital_link, epcis, qr, trace_page, trace_sections
from .gtin import gtin_or_none
from .models import Lot
from .ratelimit import rate_limit

LINKSET_TYPE = "application/linkset+json"
GS1_VOC = "https://gs1.org/voc/"
# What `?linkType=` may name (GS1 Digital Link link types), short or in full.
LINK_TYPES = {"pip", "traceability", "epcis", "defaultLink"}
# The module sizes in pixels a QR PNG may be asked for (?scale=).
QR_SCALES = {str(n): n for n in range(1, 41)}
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


class LotLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã lô hoặc mã tra cứu"),
        max_length=200,
        help_text=_(
            "Mã in cạnh mã QR, ví dụ 7KX2M9QPTA, hoặc mã GTIN và mã lô: "
            "08935000000014 CHE-2026-11-A."
        ),
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "aria-describedby": "id_code-help",
            }
        ),
    )


def _not_found(request, code: str = "", reason: str = ""):
    """A helpful 404: say what went wrong, offer to type the code again."""
    form = LotLookupForm(initial={"code": code})
    return render(
        request,
        "producers/lot_not_found.html",
        {"form": form, "code": code, "reason": reason},
        status=404,
    )


@require_safe
def lot_digital_link(request, gtin, lot):
    if gtin_or_none(gtin) is None:
        return _not_found(
            request,
            f"{gtin} {lot}",
            _("Mã GTIN %(gtin)s không hợp lệ (sai độ dài hoặc chữ số kiểm tra).")
            % {"gtin": gtin[:20]},
        )
    found = digital_link.lot_by_digital_link(gtin, lot)
    if found is None:
        return _not_found(request, f"{gtin} {lot}")
    return _respond(request, found)


@require_safe
def lot_short(request, public_id):
    found = digital_link.lot_by_public_id(public_id)
    if found is None:
        return _not_found(request, public_id)
    return _respond(request, found)


@require_safe
@rate_limit("lot_lookup", when=lambda request: "code" in request.GET)
def lot_lookup(request):
    """Find a lot from what is printed on the package, whoever produced it."""
    if "code" not in request.GET:
        return render(request, "producers/lot_lookup.html", {"form": LotLookupForm()})
    form = LotLookupForm(request.GET)
    if not form.is_valid():
        return _not_found(request, request.GET.get("code", "")[:200])
    code = form.cleaned_data["code"]
    reference = digital_link.parse_reference(code)
    lots = digital_link.find_lots(reference) if reference else []
    if len(lots) == 1:
        return redirect(lots[0].get_absolute_url())
    if len(lots) > 1:
        return render(
            request,
            "producers/lot_lookup.html",
            {"form": LotLookupForm(initial={"code": code}), "choices": lots},
        )
    return _not_found(request, code)


@require_safe
@cache_control(public=True, max_age=86400)
def lot_qr_svg(request, public_id):
    found = digital_link.lot_by_public_id(public_id)
    if found is None:
        return _not_found(request, public_id)
    return HttpResponse(qr.qr_svg_bytes(found), content_type="image/svg+xml")


@require_safe
@cache_control(public=True, max_age=86400)
def lot_qr_png(request, public_id):
    found = digital_link.lot_by_public_id(public_id)
    if found is None:
        return _not_found(request, public_id)
    # Looked up, not parsed: "²" and 5,000 digits pass isdigit(), not int().
    scale = QR_SCALES.get(request.GET.get("scale", ""), 8)
    return HttpResponse(qr.qr_png_bytes(found, scale=scale), content_type="image/png")


def _wants_jsonld(request) -> bool:
    if request.GET.get("format", "").lower() in ("jsonld", "json-ld", "json"):
        return True
    preferred = request.get_preferred_type(
        ["text/html", epcis.MEDIA_TYPE, "application/json"]
    )
    return preferred in (epcis.MEDIA_TYPE, "application/json")


def _link_type(request) -> str:
    value = request.GET.get("linkType", "").strip()
    for prefix in ("gs1:", GS1_VOC):
        value = value.removeprefix(prefix)
    return value


def _respond(request, lot: Lot):
    link_type = _link_type(request)
    if link_type == "all":
        return _linkset(request, lot)
    if link_type == "epcis" or _wants_jsonld(request):
        response = _epcis(lot)
    elif link_type == "pip" and (product_url := _product_url(request, lot)):
        response = redirect(product_url)
    else:
        response = _page(request, lot)
    # The same URL answers people and machines differently.
    patch_vary_headers(response, ["Accept"])
    return response


def _epcis(lot: Lot):
    document = epcis.epcis_document(lot)
    return JsonResponse(
        document,
        content_type=epcis.MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def _product_url(request, lot: Lot) -> str:
    for section in trace_sections.sections_for(request, lot):
        if section.placement == "product" and section.json_ld.get("url"):
            return section.json_ld["url"]
    return ""


def _lot_urls(request, lot: Lot) -> dict:
    page = request.build_absolute_uri(qr.lot_path(lot))
    return {
        "page": page,
        "jsonld": f"{page}?format=jsonld",
        "qr_svg": request.build_absolute_uri(
            reverse("producers:lot_qr_svg", kwargs={"public_id": lot.public_id})
        ),
    }


def _linkset(request, lot: Lot):
    """The GS1 Digital Link linkset (RFC 9264) of everything we publish about
    the lot; `?linkType=all` is how a GS1 resolver asks for it."""
    urls = _lot_urls(request, lot)
    title = lot.product_name
    links = {
        "anchor": urls["page"],
        f"{GS1_VOC}defaultLink": [
            {"href": urls["page"], "title": title, "type": "text/html"}
        ],
        f"{GS1_VOC}traceability": [
            {"href": urls["page"], "title": title, "type": "text/html"}
        ],
        f"{GS1_VOC}epcis": [{"href": urls["jsonld"], "type": epcis.MEDIA_TYPE}],
    }
    if product_url := _product_url(request, lot):
        links[f"{GS1_VOC}pip"] = [
            {"href": product_url, "title": title, "type": "text/html"}
        ]
    return JsonResponse(
        {"linkset": [links]},
        content_type=LINKSET_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _page(request, lot: Lot):
    lot = trace_page.lot_page_queryset().get(pk=lot.pk)
    events = list(trace_page.history_queryset(lot))
    # A HEAD request (link checkers, previews) is nobody looking at the package.
    scans = trace_page.count_scan(lot) if request.method == "GET" else lot.scan_count
    harvest_date = lot.harvest_date
    certifications = trace_page.certifications_on(
        lot, harvest_date or timezone.localdate()
    )
    sections = trace_sections.sections_for(request, lot)
    urls = _lot_urls(request, lot)
    return render(
        request,
        "producers/lot_detail.html",
        {
            "lot": lot,
            "cooperative": lot.cooperative,
            "area": lot.growing_area,
            "farmers": list(lot.farmers.all()),
            "certifications": certifications,
            "timeline": trace_page.timeline(events),
            "event_count": len(events),
            "inputs": trace_page.input_lots(events),
            "outputs": trace_page.output_lots(lot),
            "verified": trace_page.chain_verified(lot),
            "short_head": lot.head_hash[: trace_page.SHORT_HASH],
            "scan_count": scans,
            "product_sections": [s for s in sections if s.placement == "product"],
            "sections": [s for s in sections if s.placement != "product"],
            "urls": urls,
            "json_ld": _script_json(
                _schema_org(request, lot, urls, certifications, sections)
            ),
        },
    )


def _schema_org(request, lot: Lot, urls: dict, certifications, sections) -> dict:
    """schema.org Product data for search engines and link previews."""
    cooperative = lot.cooperative
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": lot.product_name,
        "url": urls["page"],
        "identifier": {
            "@type": "PropertyValue",
            "propertyID": "lot",
            "value": lot.code,
        },
        "countryOfOrigin": {"@type": "Country", "name": "VN"},
        "manufacturer": {
            "@type": "Organization",
            "name": cooperative.name,
            "url": request.build_absolute_uri(cooperative.get_absolute_url()),
        },
    }
    if lot.gtin:
        data["gtin14"] = lot.gtin.zfill(14)
    if lot.harvest_date:
        data["productionDate"] = lot.harvest_date.isoformat()
    valid = [shown.certification for shown in certifications if shown.valid]
    if valid:
        data["hasCertification"] = [
            {
                "@type": "Certification",
                "name": cert.label,
                "certificationIdentification": cert.number,
                "issuedBy": {"@type": "Organization", "name": cert.issuer},
                "validFrom": cert.issued_on.isoformat(),
                **({"expires": cert.expires_on.isoformat()} if cert.expires_on else {}),
            }
            for cert in valid
        ]
    for section in sections:
        extra = {k: v for k, v in section.json_ld.items() if k != "url"}
        data.update(extra)
    return data


def _script_json(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(  # noqa: S308 - escaped for a script element just above
        f'<script type="application/ld+json">{text.translate(_SCRIPT_ESCAPES)}</script>'
    )
