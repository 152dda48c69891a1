"""The versioned JSON API, /api/v1/ (docs/api.md).

Public reads: categories, products, cooperatives, lots (also as EPCIS 2.0
JSON-LD). With a cooperative's token, under /me/: its products' stock and
price, its lots and their trace events, its fulfilments. CMS pages come from
Wagtail's own API, mounted beside this one at /api/v1/cms/ (cms/urls.py).
"""

from django.utils.translation import gettext_lazy as _

from producers.api import own as producers_own
from producers.api import public as producers_public
from producers.api.base import MarketAPI

from . import own, products

api = MarketAPI(
    title="Chợ Nông Sản Nghệ An API",
    version="1.0.0",
    description=str(
        _(
            "Danh mục sản phẩm, hợp tác xã và truy xuất nguồn gốc của chợ nông sản. "
            "Đọc tự do; ghi bằng mã truy cập của hợp tác xã (Authorization: "
            "Bearer nsa_…). Xem docs/api.md."
        )
    ),
    urls_namespace="api_v1",
)
api.add_router("/", products.router)
api.add_router("/", producers_public.router)
api.add_router("/me", producers_own.router)
api.add_router("/me", own.router)
