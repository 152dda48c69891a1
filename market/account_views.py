"""Buyer accounts: sign up, sign in, sign out, and the history of one's orders.

Buyers sign in here with django.contrib.auth; the Wagtail admin keeps its own
login page. Signing in moves the guest cart into the account's saved cart.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from producers.ratelimit import rate_limit

from .buying_views import order_context, orders_for_user
from .cart import merge_guest_cart
from .forms import BuyerLoginForm, SignupForm
from .redirects import next_path

LOGIN_URL = reverse_lazy("market:login")


def _signed_in(request, user) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if merge_guest_cart(request, user):
        messages.info(
            request, _("Các sản phẩm bạn chọn trước khi đăng nhập đã vào giỏ hàng.")
        )


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.method == "POST":
        form = BuyerLoginForm(request, data=request.POST)
        if form.is_valid():
            _signed_in(request, form.get_user())
            return redirect(next_path(request, reverse("market:account")))
    else:
        form = BuyerLoginForm(request)
    return render(
        request,
        "market/account_login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@rate_limit("signup", methods={"POST"})
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("market:account")
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()
            _signed_in(request, user)
            messages.success(request, _("Đã tạo tài khoản. Chào mừng bạn!"))
            return redirect(next_path(request, reverse("market:account")))
    else:
        form = SignupForm()
    return render(
        request,
        "market/account_signup.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request):
    """Signing out is a POST (a link could sign people out from anywhere)."""
    if request.method == "POST":
        logout(request)
        messages.info(request, _("Bạn đã đăng xuất."))
        return redirect("market:catalogue")
    return render(request, "market/account_logout.html")


@never_cache
@login_required(login_url=LOGIN_URL)
@require_GET
def account(request):
    """The buyer's orders, newest first: only their own."""
    orders = list(orders_for_user(request.user)[:50])
    return render(request, "market/account.html", {"orders": orders})


@never_cache
@login_required(login_url=LOGIN_URL)
@require_GET
def account_order(request, number):
    if "\x00" in number:  # PostgreSQL refuses a NUL in a query: 404, not 500
        raise Http404
    order = orders_for_user(request.user).filter(number=number).first()
    if order is None:
        raise Http404
    return render(request, "market/order_detail.html", order_context(order))
