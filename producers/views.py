"""Public cooperative pages: the directory and each cooperative's profile."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import places, profile
from .models import Certification, Cooperative, CooperativePhoto

COOPERATIVES_PER_PAGE = 12


class CooperativeFilterForm(forms.Form):
    """Filters of the directory; only communes that have a cooperative are offered."""

    commune = forms.TypedChoiceField(
        label=_("Xã/phường"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, commune_codes, **kwargs):
        super().__init__(*args, **kwargs)
        communes = sorted(
            ((code, places.commune_name(code)) for code in commune_codes),
            key=lambda choice: choice[1],
        )
        self.fields["commune"].choices = [("", _("Tất cả xã/phường")), *communes]


def cooperative_list(request):
    cooperatives = Cooperative.objects.select_related("logo").prefetch_related(
        "logo__renditions"
    )
    commune_codes = set(
        Cooperative.objects.exclude(commune_code=None).values_list(
            "commune_code", flat=True
        )
    )
    form = CooperativeFilterForm(request.GET or None, commune_codes=commune_codes)
    commune = None
    if form.is_bound:
        if form.is_valid():
            commune = form.cleaned_data["commune"]
        else:
            messages.warning(
                request,
                _("Không tìm thấy xã/phường đã chọn; đang hiển thị mọi hợp tác xã."),
            )
            form = CooperativeFilterForm(commune_codes=commune_codes)
    if commune is not None:
        cooperatives = cooperatives.filter(commune_code=commune)
    # Verified cooperatives first: buyers trust them more.
    cooperatives = cooperatives.order_by("-is_verified", "name")
    page = Paginator(cooperatives, COOPERATIVES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "producers/cooperative_list.html",
        {
            "form": form,
            "page_obj": page,
            "cooperatives": page.object_list,
            "selected_commune": commune,
            "selected_commune_name": places.commune_name(commune),
        },
    )


def cooperative_detail(request, slug):
    cooperative = get_object_or_404(
        Cooperative.objects.select_related("logo").prefetch_related(
            "logo__renditions",
            Prefetch(
                "photos",
                queryset=CooperativePhoto.objects.select_related("image")
                .prefetch_related("image__renditions")
                .order_by("sort_order"),
            ),
            "growing_areas",
            Prefetch(
                "certifications",
                queryset=Certification.objects.select_related("evidence"),
            ),
        ),
        slug=slug,
    )
    today = timezone.localdate()
    # Certificates in force first; expired ones stay visible, clearly marked.
    certifications: list[Certification] = sorted(
        cooperative.certifications.all(),
        key=lambda cert: not cert.is_valid_on(today),
    )
    growing_areas = list(cooperative.growing_areas.all())
    photos = list(cooperative.photos.all())
    return render(
        request,
        "producers/cooperative_detail.html",
        {
            "cooperative": cooperative,
            "photos": photos,
            "share_image": photos[0].image if photos else cooperative.logo,
            "growing_areas": growing_areas,
            "total_hectares": sum(
                (area.hectares for area in growing_areas if area.hectares), 0
            ),
            "certifications": certifications,
            "sections": profile.sections_for(request, cooperative),
        },
    )
