"""Public endpoints of the producers' data: cooperatives and lots."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ..models import Cooperative
from .base import ErrorOut

router = Router(tags=["producers"])


class CooperativeSummary(Schema):
    slug: str
    name: str
    is_verified: bool


@router.get(
    "/cooperatives/{slug}",
    response={200: CooperativeSummary, 404: ErrorOut},
    summary="Một hợp tác xã",
)
def get_cooperative(request, slug: str):
    return get_object_or_404(Cooperative, slug=slug)
