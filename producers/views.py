"""Public cooperative pages (placeholder, to be completed)."""

from django.shortcuts import get_object_or_404, render

from . import profile
from .models import Cooperative


def cooperative_list(request):
    return render(
        request,
        "producers/cooperative_list.html",
        {"cooperatives": Cooperative.objects.all()},
    )


def cooperative_detail(request, slug):
    cooperative = get_object_or_404(Cooperative, slug=slug)
    return render(
        request,
        "producers/cooperative_detail.html",
        {"cooperative": cooperative, "sections": profile.sections_for(request, cooperative)},
    )
