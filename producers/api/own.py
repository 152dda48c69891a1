"""Endpoints for a cooperative's own software, with its token: lots and events."""

from ninja import Router, Schema

from .base import CooperativeToken, token_cooperative

router = Router(tags=["cooperative"], auth=CooperativeToken())


class TokenCooperativeOut(Schema):
    slug: str
    name: str


@router.get("", response=TokenCooperativeOut, summary="Hợp tác xã của mã truy cập")
def me(request):
    """The cooperative this token acts for."""
    return token_cooperative(request)
