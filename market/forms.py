"""Forms buyers fill in: the cart, checkout, order tracking and their account.

Every field is bounded and typed, so a crafted or mistyped value becomes a
form error, never an exception further down.
"""

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from producers import places
from producers.models import phone_validator

from .cart import MAX_QUANTITY
from .models import PaymentMethod

# Nghệ An: the district's own buyers are the most common.
DEFAULT_PROVINCE = 40
CHECKOUT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]+")


def normalise_phone(value: str) -> str:
    """ "0912 345.678" -> "0912345678"; "+84 912 345 678" -> "+84912345678"."""
    value = _PHONE_SEPARATORS.sub("", value or "")
    if value.startswith("0084"):
        value = "+84" + value[4:]
    return value


def phones_match(a: str, b: str) -> bool:
    """Whether two ways of writing a Vietnamese number name the same phone."""

    def national(value: str) -> str:
        value = normalise_phone(value)
        if value.startswith("+84"):
            return "0" + value[3:]
        if value.startswith("84") and len(value) == 11:
            return "0" + value[2:]
        return value

    a, b = national(a), national(b)
    return bool(a) and a == b


class CartLineForm(forms.Form):
    """Add, change or remove one product in the cart."""

    ADD, UPDATE, REMOVE = "add", "update", "remove"

    action = forms.ChoiceField(choices=[(ADD, ADD), (UPDATE, UPDATE), (REMOVE, REMOVE)])
    product = forms.IntegerField(min_value=1, max_value=2**62)
    quantity = forms.IntegerField(
        label=_("Số lượng"), min_value=0, max_value=MAX_QUANTITY, required=False
    )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        quantity = data.get("quantity")
        if quantity is None and "quantity" not in self.errors:
            if action == self.ADD:
                data["quantity"] = 1
            elif action == self.UPDATE:
                self.add_error("quantity", _("Nhập số lượng."))
        return data


class CheckoutForm(forms.Form):
    """Contact, delivery address, a delivery choice per cooperative, payment.

    The commune list shows the communes of the chosen province: without
    JavaScript the buyer picks a province and presses "update" (a second
    round trip), with it the list follows the province select at once.
    `quote` (the cart's `ordering.Quote`) adds one delivery field per
    cooperative, offering only what that cooperative does.
    """

    checkout_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The goods total the buyer saw; a price changed meanwhile is shown first.
    goods_total = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=10**15
    )
    contact_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Chúng tôi gửi xác nhận đơn hàng đến địa chỉ này."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    province = forms.TypedChoiceField(
        label=_("Tỉnh/thành phố"), coerce=int, choices=places.province_choices
    )
    commune = forms.IntegerField(
        label=_("Xã/phường"),
        min_value=1,
        max_value=10**9,
        widget=forms.Select,
        error_messages={
            "invalid": _("Chọn một xã/phường trong danh sách."),
            "min_value": _("Chọn một xã/phường trong danh sách."),
            "max_value": _("Chọn một xã/phường trong danh sách."),
        },
    )
    street = forms.CharField(
        label=_("Địa chỉ (thôn, xóm, số nhà, đường)"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    note = forms.CharField(
        label=_("Ghi chú cho đơn hàng"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    payment_method = forms.ChoiceField(
        label=_("Thanh toán"),
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, quote, card_unavailable_reason="", **kwargs):
        super().__init__(*args, **kwargs)
        self.quote = quote
        self.card_unavailable_reason = card_unavailable_reason
        self.delivery_fields = []
        for group in quote.groups:
            name = f"delivery_{group.cooperative.pk}"
            self.fields[name] = forms.ChoiceField(
                label=group.cooperative.name,
                choices=[(option, option) for option in group.options],
                initial=group.delivery_method,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Chọn cách nhận hàng."),
                    "invalid_choice": _("Hợp tác xã này không có cách nhận hàng đó."),
                },
            )
            self.delivery_fields.append((name, group))
        self.fields["commune"].widget.choices = [("", _("Chọn xã/phường"))] + list(
            places.commune_choices(self.selected_province())
        )

    def selected_province(self) -> int:
        """The province whose communes the commune list shows."""
        value = self.data.get("province") if self.is_bound else None
        if value is None:
            value = self.initial.get("province", DEFAULT_PROVINCE)
        try:
            value = int(value)
        except (TypeError, ValueError):
            return DEFAULT_PROVINCE
        return value if places.is_province(value) else DEFAULT_PROVINCE

    def delivery_choices(self) -> dict[int, str]:
        """Cooperative id -> the delivery method the form currently says."""
        chosen = {}
        source = self.data if self.is_bound else self.initial
        for name, group in self.delivery_fields:
            value = source.get(name)
            if value in group.options:
                chosen[group.cooperative.pk] = value
        return chosen

    def clean_checkout_token(self):
        token = self.cleaned_data["checkout_token"]
        if not CHECKOUT_TOKEN.match(token):
            raise ValidationError(
                _("Phiên đặt hàng không hợp lệ; vui lòng tải lại trang.")
            )
        return token

    def clean_contact_name(self):
        return " ".join(self.cleaned_data["contact_name"].split())

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        phone_validator(phone)
        return phone

    def clean_commune(self):
        commune = self.cleaned_data["commune"]
        if not places.is_commune(commune):
            raise ValidationError(_("Chọn một xã/phường trong danh sách."))
        return commune

    def clean_street(self):
        return " ".join(self.cleaned_data["street"].split())

    def clean_payment_method(self):
        method = self.cleaned_data["payment_method"]
        if method == PaymentMethod.CARD and self.card_unavailable_reason:
            raise ValidationError(self.card_unavailable_reason)
        return method

    def clean(self):
        data = super().clean()
        province, commune = data.get("province"), data.get("commune")
        if places.commune_outside_province(commune, province):
            self.add_error("commune", places.COMMUNE_OUTSIDE_PROVINCE)
        return data

    def delivery(self) -> dict[int, str]:
        """Cooperative id -> chosen delivery method, from the cleaned form."""
        return {
            group.cooperative.pk: self.cleaned_data[name]
            for name, group in self.delivery_fields
            if name in self.cleaned_data
        }


class TrackingForm(forms.Form):
    """A guest finds their order by its number and the phone or e-mail used."""

    number = forms.CharField(
        label=_("Mã đơn hàng"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"placeholder": "DH-261126-K7M3Q", "autocapitalize": "characters"}
        ),
    )
    contact = forms.CharField(
        label=_("Số điện thoại hoặc email đã dùng khi đặt hàng"), max_length=254
    )

    def clean_number(self):
        return "".join(self.cleaned_data["number"].split()).upper()

    def clean_contact(self):
        return self.cleaned_data["contact"].strip()


class BuyerLoginForm(AuthenticationForm):
    """Sign in with the e-mail address (buyers' usernames are their e-mails)."""

    username = forms.CharField(
        label=_("Email"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "email", "inputmode": "email"}
        ),
    )

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if "@" in username and username != username.lower():
            users = get_user_model().objects
            if not users.filter(username=username).exists():
                username = username.lower()
        self.cleaned_data["username"] = username
        return super().clean()


class SignupForm(forms.Form):
    """A buyer account: name, e-mail (also the login) and a password."""

    name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        users = get_user_model().objects
        if (
            users.filter(username__iexact=email).exists()
            or users.filter(email__iexact=email).exists()
        ):
            raise ValidationError(
                _("Email này đã có tài khoản. Hãy đăng nhập."), code="exists"
            )
        return email

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif first and data.get("email"):
            user = get_user_model()(
                username=data["email"],
                email=data["email"],
                first_name=data.get("name", ""),
            )
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return data

    def save(self):
        return get_user_model().objects.create_user(
            username=self.cleaned_data["email"],
            email=self.cleaned_data["email"],
            password=self.cleaned_data["password1"],
            first_name=self.cleaned_data["name"],
        )
