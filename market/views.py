"""Public catalogue views (placeholder, to be completed)."""

from django.shortcuts import get_object_or_404, render

from .models import Product


def product_context(product, request):
    return {"product": product}


def catalogue(request):
    products = Product.objects.published().for_listing()[:24]
    return render(request, "market/catalogue.html", {"products": products})


def search(request):
    return catalogue(request)


def product_detail(request, slug):
    product = get_object_or_404(Product.objects.published(), slug=slug)
    return render(request, "market/product_detail.html", product_context(product, request))
