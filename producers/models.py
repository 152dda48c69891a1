"""Who produces and how: cooperatives (the tenants), their areas and certificates."""

import datetime
import hashlib
import json
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Collection, Orderable
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager
from wagtail.search import index

from . import places
from .alt_text import PhotoWithAltText
from .richtext import sanitise_instance
from .text import fold

RICH_TEXT_FEATURES = ["bold", "italic", "h3", "ol", "ul", "link"]

phone_validator = RegexValidator(
    r"^(\+84|0)(3|5|7|8|9|2\d)\d{8}$",
    _("Nhập số điện thoại Việt Nam, ví dụ 0912 345 678 hoặc +84 912 345 678."),
)


def validate_province(value):
    if not places.is_province(value):
        raise ValidationError(_("Mã tỉnh/thành không hợp lệ."), code="invalid")


def validate_commune(value):
    if not places.is_commune(value):
        raise ValidationError(_("Mã xã/phường không hợp lệ."), code="invalid")


def coordinate_field(verbose_name, limit: int) -> models.DecimalField:
    """An optional WGS 84 latitude (limit 90) or longitude (limit 180), to 0.1 m."""
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-limit), MaxValueValidator(limit)],
    )


class CooperativeQuerySet(models.QuerySet):
    def matching(self, words) -> "CooperativeQuerySet":
        """Cooperatives whose folded name and place hold every one of `words`.

        Annotated with `search_rank`: 0 when the text starts with the words as
        typed, 1 otherwise. `words` are folded (producers.text.fold_words).
        """
        condition = models.Q()
        for word in words:
            condition &= models.Q(search_text__contains=word)
        return self.filter(condition).annotate(
            search_rank=models.Case(
                models.When(search_text__startswith=" ".join(words), then=0),
                default=1,
                output_field=models.IntegerField(),
            )
        )

    def for_user(self, user):
        """The cooperatives a signed-in user may manage (all, for district staff)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("producers.manage_all_cooperatives"):
            return self
        return self.filter(memberships__user=user).distinct()


class Cooperative(index.Indexed, ClusterableModel):
    """A farmer cooperative (hợp tác xã): the tenant that owns products and lots."""

    name = models.CharField(_("tên"), max_length=200)
    slug = models.SlugField(_("đường dẫn"), max_length=200, unique=True)
    story = RichTextField(_("câu chuyện"), features=RICH_TEXT_FEATURES, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    province_code = models.PositiveIntegerField(
        _("tỉnh/thành"), validators=[validate_province], default=40
    )
    commune_code = models.PositiveIntegerField(
        _("xã/phường"), validators=[validate_commune], null=True, blank=True
    )
    street = models.CharField(
        _("địa chỉ (thôn, xóm, số nhà)"), max_length=255, blank=True
    )
    phone = models.CharField(
        _("điện thoại"), max_length=20, blank=True, validators=[phone_validator]
    )
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("năm thành lập"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    member_count = models.PositiveIntegerField(
        _("số thành viên"), null=True, blank=True
    )
    latitude = coordinate_field(_("vĩ độ"), 90)
    longitude = coordinate_field(_("kinh độ"), 180)
    is_verified = models.BooleanField(
        _("đã xác minh"),
        default=False,
        help_text=_("Chỉ cán bộ huyện được đánh dấu hợp tác xã đã xác minh."),
    )
    # How buyers receive what they order from this cooperative; the market's
    # checkout offers exactly these options.
    offers_pickup = models.BooleanField(
        _("cho nhận tại hợp tác xã"),
        default=True,
        help_text=_("Người mua đến địa chỉ của hợp tác xã để nhận hàng."),
    )
    offers_delivery = models.BooleanField(_("giao hàng tận nơi"), default=True)
    delivery_fee = models.PositiveBigIntegerField(
        _("phí giao hàng (đồng)"),
        default=30000,
        help_text=_("Phí giao một đơn, tính bằng đồng, ví dụ 30000."),
    )
    free_delivery_from = models.PositiveBigIntegerField(
        _("miễn phí giao hàng từ (đồng)"),
        null=True,
        blank=True,
        help_text=_(
            "Đơn có tiền hàng từ mức này được giao miễn phí; để trống nếu không."
        ),
    )
    orders_email = models.EmailField(
        _("email nhận đơn hàng"),
        blank=True,
        help_text=_("Để trống để dùng email liên hệ của hợp tác xã."),
    )
    collection = models.OneToOneField(
        Collection,
        verbose_name=_("thư mục ảnh"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="cooperative",
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CooperativeQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.SearchField("story"),
        index.AutocompleteField("name"),
        index.FilterField("province_code"),
        # Admin choosers search within the cooperatives a user manages (by id).
        index.FilterField("id"),
    ]

    class Meta:
        verbose_name = _("hợp tác xã")
        verbose_name_plural = _("hợp tác xã")
        ordering = ["name"]
        permissions = [
            ("manage_all_cooperatives", _("Quản lý mọi hợp tác xã (cán bộ huyện)")),
            ("verify_cooperative", _("Đánh dấu hợp tác xã đã xác minh")),
            (
                "choose_any_listing",
                _("Chọn sản phẩm, hợp tác xã và lô của mọi hợp tác xã khi soạn trang"),
            ),
        ]
        indexes = [models.Index(fields=["province_code", "commune_code"])]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        sanitise_instance(self)
        if (
            self.commune_code is not None
            and self.province_code is not None
            and places.commune_province(self.commune_code) != self.province_code
        ):
            raise ValidationError(
                {"commune_code": _("Xã/phường này không thuộc tỉnh đã chọn.")}
            )
        if not (self.offers_pickup or self.offers_delivery):
            raise ValidationError(
                {
                    "offers_delivery": _(
                        "Chọn ít nhất một cách nhận hàng: tại hợp tác xã hoặc "
                        "giao tận nơi."
                    )
                }
            )

    def build_search_text(self) -> str:
        """Folded name and place names, what cooperative search looks in."""
        return fold(" ".join([self.name, self.commune_name, self.province_name]))

    def save(self, *args, **kwargs):
        sanitise_instance(self)
        self.search_text = self.build_search_text()
        if self.collection_id is None:
            self.collection = Collection.get_first_root_node().add_child(
                name=self.name[:255]
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("producers:cooperative_detail", kwargs={"slug": self.slug})

    @property
    def province_name(self):
        return places.province_name(self.province_code)

    @property
    def order_notification_email(self) -> str:
        return self.orders_email or self.email

    def delivery_fee_for(self, goods_total: int) -> int:
        """The delivery fee for an order of `goods_total` dong from this cooperative."""
        if (
            self.free_delivery_from is not None
            and goods_total >= self.free_delivery_from
        ):
            return 0
        return self.delivery_fee

    @property
    def commune_name(self):
        return places.commune_name(self.commune_code)

    @property
    def address(self):
        return places.format_address(self.street, self.commune_code, self.province_code)


class CooperativePhoto(PhotoWithAltText, Orderable):
    cooperative = ParentalKey(
        Cooperative, related_name="photos", on_delete=models.CASCADE
    )
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("chú thích"), max_length=255, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")


class Membership(models.Model):
    """A user who may edit a cooperative's listings (a user may serve several)."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("Biên tập viên")
        ADMIN = "admin", _("Quản trị hợp tác xã")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cooperative_memberships",
    )
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("vai trò"), max_length=20, choices=Role.choices, default=Role.EDITOR
    )

    class Meta:
        verbose_name = _("thành viên quản trị")
        verbose_name_plural = _("thành viên quản trị")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cooperative"], name="unique_membership"
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.cooperative}"


class GrowingArea(models.Model):
    """A field, garden or hive site a cooperative farms (vùng trồng)."""

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.CASCADE,
        related_name="growing_areas",
    )
    name = models.CharField(_("tên vùng"), max_length=200)
    area_code = models.CharField(
        _("mã số vùng trồng"),
        max_length=50,
        blank=True,
        help_text=_("Mã số do cơ quan bảo vệ thực vật cấp, nếu có."),
    )
    commune_code = models.PositiveIntegerField(
        _("xã/phường"), validators=[validate_commune], null=True, blank=True
    )
    latitude = coordinate_field(_("vĩ độ"), 90)
    longitude = coordinate_field(_("kinh độ"), 180)
    hectares = models.DecimalField(
        _("diện tích (ha)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    crops = models.CharField(
        _("cây trồng, vật nuôi"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: chè xanh, cam Vinh."),
    )

    class Meta:
        verbose_name = _("vùng trồng")
        verbose_name_plural = _("vùng trồng")
        ordering = ["cooperative", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "area_code"],
                condition=~models.Q(area_code=""),
                name="unique_area_code_per_cooperative",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.area_code})" if self.area_code else self.name

    @property
    def commune_name(self):
        return places.commune_name(self.commune_code)


class Certification(models.Model):
    """A certificate a cooperative holds (VietGAP, organic, an OCOP rating...)."""

    class Kind(models.TextChoices):
        VIETGAP = "vietgap", "VietGAP"
        GLOBALGAP = "globalgap", "GlobalG.A.P."
        ORGANIC = "organic", _("Hữu cơ")
        OCOP = "ocop", "OCOP"
        OTHER = "other", _("Khác")

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    ocop_stars = models.PositiveSmallIntegerField(
        _("số sao OCOP"),
        null=True,
        blank=True,
        choices=[(3, "3 ★"), (4, "4 ★"), (5, "5 ★")],
    )
    name = models.CharField(
        _("tên chứng nhận"),
        max_length=200,
        blank=True,
        help_text=_("Cho loại “Khác”, hoặc để làm rõ."),
    )
    number = models.CharField(_("số hiệu / số quyết định"), max_length=100)
    issuer = models.CharField(_("cơ quan cấp"), max_length=200)
    issued_on = models.DateField(_("ngày cấp"))
    expires_on = models.DateField(_("ngày hết hạn"), null=True, blank=True)
    scope = models.CharField(
        _("phạm vi"),
        max_length=255,
        blank=True,
        help_text=_("Sản phẩm hoặc vùng trồng được chứng nhận."),
    )
    evidence = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("tài liệu chứng minh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The expiry date the "expires in 30 days" e-mail went out for; a renewed
    # certificate (a new expiry date) is reminded of again.
    expiry_reminder_sent_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("chứng nhận")
        verbose_name_plural = _("chứng nhận")
        ordering = ["cooperative", "kind", "-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="certification_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="ocop", ocop_stars__in=[3, 4, 5])
                | (~models.Q(kind="ocop") & models.Q(ocop_stars__isnull=True)),
                name="certification_ocop_stars_only_for_ocop",
            ),
        ]

    def __str__(self):
        return f"{self.label} – {self.number}"

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.OCOP and self.ocop_stars not in (3, 4, 5):
            errors["ocop_stars"] = _("Chứng nhận OCOP cần số sao (3, 4 hoặc 5).")
        if self.kind != self.Kind.OCOP and self.ocop_stars is not None:
            errors["ocop_stars"] = _("Chỉ chứng nhận OCOP mới có số sao.")
        if self.expires_on and self.issued_on and self.expires_on < self.issued_on:
            errors["expires_on"] = _("Ngày hết hạn phải sau ngày cấp.")
        if errors:
            raise ValidationError(errors)

    @property
    def label(self):
        if self.kind == self.Kind.OCOP and self.ocop_stars:
            return f"OCOP {self.ocop_stars} ★"
        if self.kind == self.Kind.OTHER and self.name:
            return self.name
        return self.get_kind_display()

    def is_valid_on(self, date: datetime.date) -> bool:
        """True if the certificate was in force on `date` (both ends inclusive)."""
        if date < self.issued_on:
            return False
        return self.expires_on is None or date <= self.expires_on

    @property
    def is_valid_today(self) -> bool:
        return self.is_valid_on(timezone.localdate())


class CooperativeLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        from .permissions import cooperative_id_of

        kwargs.update(
            object_id=str(instance.pk), cooperative_id=cooperative_id_of(instance)
        )
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        return self.filter(
            content_type=ContentType.objects.get_for_model(
                instance, for_concrete_model=False
            ),
            object_id=str(instance.pk),
        )

    def viewable_by_user(self, user):
        """Entries of models the user has a permission on, of their cooperatives."""
        from django.contrib.auth.models import Permission

        from .permissions import cooperative_ids_for, sees_all_cooperatives

        if user.is_superuser:
            return self.all()
        # Not Wagtail's implementation: it caches the allowed content types on the
        # user under one name shared by every log model, computed from whichever
        # log table it looked at first.
        used = self.values_list("content_type_id", flat=True).distinct()
        allowed = set()
        for permission in Permission.objects.filter(
            content_type_id__in=used
        ).select_related("content_type"):
            label = f"{permission.content_type.app_label}.{permission.codename}"
            if permission.content_type_id not in allowed and user.has_perm(label):
                allowed.add(permission.content_type_id)
        entries = self.filter(content_type_id__in=allowed)
        if sees_all_cooperatives(user):
            return entries
        return entries.filter(cooperative_id__in=cooperative_ids_for(user))


class CooperativeLogEntry(BaseLogEntry):
    """Audit log of a cooperative's data, so the site history shows editors only theirs.

    Wagtail's generic log table cannot tell which cooperative an entry belongs to; the
    admin's site history report would list every cooperative's edits to anyone who may
    edit products at all.
    """

    object_id = models.CharField(max_length=255, db_index=True)
    cooperative = models.ForeignKey(
        Cooperative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
    )

    objects = CooperativeLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("nhật ký hợp tác xã")
        verbose_name_plural = _("nhật ký hợp tác xã")

    def __str__(self):
        return f"CooperativeLogEntry {self.pk}: {self.action} {self.object_id}"


# --- Traceability ---------------------------------------------------------------

lot_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{0,39}$",
    _("Mã lô chỉ gồm chữ in hoa A-Z, chữ số và dấu gạch ngang, tối đa 40 ký tự."),
)


def new_public_id() -> str:
    """An opaque, unguessable short id for lots printed without a GTIN."""
    import secrets

    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud safely
    return "".join(secrets.choice(alphabet) for _ in range(10))


class MemberFarmer(models.Model):
    """A farming household of a cooperative, credited on the lots it contributed to."""

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.CASCADE,
        related_name="farmers",
    )
    name = models.CharField(_("họ tên"), max_length=200)
    hamlet = models.CharField(_("thôn, xóm"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hộ thành viên")
        verbose_name_plural = _("hộ thành viên")
        ordering = ["cooperative", "name"]

    def __str__(self):
        return f"{self.name} ({self.hamlet})" if self.hamlet else self.name


class LotQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(cooperative__in=Cooperative.objects.for_user(user))


class Lot(models.Model):
    """A batch (lô) of produce: what one QR code on a package points to."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang bán")
        SOLD_OUT = "sold_out", _("Đã bán hết")
        RECALLED = "recalled", _("Đã thu hồi")

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.PROTECT,
        related_name="lots",
    )
    code = models.CharField(_("mã lô"), max_length=40, validators=[lot_code_validator])
    product_name = models.CharField(
        _("tên sản phẩm trên nhãn"),
        max_length=200,
        help_text=_("Tên in trên nhãn của lô này."),
    )
    gtin = models.CharField(
        _("GTIN trên bao bì"),
        max_length=14,
        blank=True,
        editable=False,
        help_text=_("Giữ nguyên từ khi tạo lô, để mã QR đã in không bao giờ đổi."),
    )
    public_id = models.CharField(
        _("mã tra cứu"),
        max_length=16,
        unique=True,
        default=new_public_id,
        editable=False,
    )
    growing_area = models.ForeignKey(
        GrowingArea,
        verbose_name=_("vùng trồng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lots",
    )
    harvest_date = models.DateField(_("ngày thu hoạch"), null=True, blank=True)
    quantity = models.DecimalField(
        _("khối lượng / số lượng"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("đơn vị"), max_length=20, default="kg")
    farmers = models.ManyToManyField(
        MemberFarmer,
        verbose_name=_("hộ thành viên góp sản phẩm"),
        blank=True,
        related_name="lots",
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    recall_reason = models.TextField(_("lý do thu hồi"), blank=True)
    recalled_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    head_hash = models.CharField(
        _("mã băm cuối chuỗi"), max_length=64, blank=True, editable=False
    )
    scan_count = models.PositiveIntegerField(_("lượt quét"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LotQuerySet.as_manager()

    class Meta:
        verbose_name = _("lô hàng")
        verbose_name_plural = _("lô hàng")
        ordering = ["-harvest_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "code"], name="unique_lot_code_per_cooperative"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="recalled") | ~models.Q(recall_reason=""),
                name="recalled_lot_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.product_name}"

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.gtin:
            return reverse(
                "producers:lot_digital_link",
                kwargs={"gtin": self.gtin.zfill(14), "lot": self.code},
            )
        return reverse("producers:lot_short", kwargs={"public_id": self.public_id})

    @property
    def is_recalled(self) -> bool:
        return self.status == self.Status.RECALLED


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk changes: trace records are corrected by new events only."""

    def update(self, **kwargs):
        raise AppendOnlyError(_("Nhật ký truy xuất chỉ được ghi thêm, không được sửa."))

    def delete(self):
        raise AppendOnlyError(_("Nhật ký truy xuất chỉ được ghi thêm, không được xóa."))

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(_("Nhật ký truy xuất chỉ được ghi thêm, không được sửa."))


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a recorded trace event."""


class BusinessStep(models.TextChoices):
    """EPCIS 2.0 CBV business steps, plus the farm steps cooperatives record."""

    COMMISSIONING = "commissioning", _("Thu hoạch")
    INSPECTING = "inspecting", _("Kiểm tra")
    SAMPLING = "sampling", _("Lấy mẫu xét nghiệm")
    PACKING = "packing", _("Đóng gói")
    STORING = "storing", _("Lưu kho")
    SHIPPING = "shipping", _("Xuất hàng")
    RECEIVING = "receiving", _("Nhận hàng")
    PLANTING = "planting", _("Gieo trồng")
    FERTILISING = "fertilising", _("Bón phân")
    SPRAYING = "spraying", _("Phun thuốc bảo vệ thực vật")
    IRRIGATION = "irrigation", _("Tưới nước")
    RECALLING = "recalling", _("Thu hồi")
    CORRECTING = "correcting", _("Đính chính")

    @classmethod
    def farm_steps(cls) -> set[str]:
        return {cls.PLANTING, cls.FERTILISING, cls.SPRAYING, cls.IRRIGATION}


class Disposition(models.TextChoices):
    ACTIVE = "active", _("Đang lưu hành")
    CONFORMANT = "conformant", _("Đạt yêu cầu")
    NON_CONFORMANT = "non_conformant", _("Không đạt")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    IN_TRANSIT = "in_transit", _("Đang vận chuyển")
    RECALLED = "recalled", _("Thu hồi")
    CONTAINER_CLOSED = "container_closed", _("Đã đóng gói")


class TraceEvent(models.Model):
    """One append-only record in a lot's history, aligned with a GS1 EPCIS 2.0 event.

    Each row stores the SHA-256 of its canonical JSON (`content_hash`) and a chain
    hash over the lot's previous event (`chain_hash`), so a row changed behind the
    application's back no longer matches and `verify_traceability` names it.
    """

    class EventType(models.TextChoices):
        OBJECT = "ObjectEvent", _("Sự kiện trên lô")
        TRANSFORMATION = "TransformationEvent", _("Chế biến / gộp lô")

    lot = models.ForeignKey(
        Lot, verbose_name=_("lô"), on_delete=models.PROTECT, related_name="events"
    )
    sequence = models.PositiveIntegerField(_("số thứ tự"), editable=False)
    event_type = models.CharField(
        _("loại sự kiện"),
        max_length=30,
        choices=EventType.choices,
        default=EventType.OBJECT,
    )
    biz_step = models.CharField(
        _("công đoạn"), max_length=30, choices=BusinessStep.choices
    )
    disposition = models.CharField(
        _("tình trạng"),
        max_length=30,
        choices=Disposition.choices,
        default=Disposition.ACTIVE,
    )
    event_time = models.DateTimeField(_("thời điểm"))
    event_time_zone_offset = models.CharField(
        _("múi giờ"), max_length=6, default="+07:00", editable=False
    )
    record_time = models.DateTimeField(_("thời điểm ghi"), editable=False)
    growing_area = models.ForeignKey(
        GrowingArea,
        verbose_name=_("vùng trồng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    location = models.CharField(_("địa điểm"), max_length=255, blank=True)
    quantity = models.DecimalField(
        _("số lượng"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("đơn vị"), max_length=20, blank=True)
    input_lots = models.ManyToManyField(
        Lot,
        verbose_name=_("lô đầu vào"),
        blank=True,
        related_name="consumed_by_events",
        through="TraceEventInput",
    )
    details = models.JSONField(
        _("chi tiết"),
        default=dict,
        blank=True,
        help_text=_("Ví dụ: tên thuốc và thời gian cách ly, kết quả xét nghiệm."),
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("đính chính sự kiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_hash = models.CharField(max_length=64, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    chain_hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện truy xuất")
        verbose_name_plural = _("sự kiện truy xuất")
        ordering = ["lot", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "sequence"], name="unique_event_sequence_per_lot"
            )
        ]

    def __str__(self):
        return f"{self.lot.code} #{self.sequence} {self.get_biz_step_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(
                _("Nhật ký truy xuất chỉ được ghi thêm, không được sửa.")
            )
        if not self.chain_hash:
            raise AppendOnlyError(
                _("Sự kiện phải được ghi qua producers.traceability.record_event.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("Nhật ký truy xuất chỉ được ghi thêm, không được xóa."))

    def get_details_display(self):
        """The details as "key: value" lines, for the admin's event page."""
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            (
                (key, json.dumps(value, ensure_ascii=False))
                if isinstance(value, dict | list)
                else (key, value)
                for key, value in sorted((self.details or {}).items())
            ),
        )


class TraceEventInput(models.Model):
    """A lot consumed by a transformation event (harvest lots pooled for packing)."""

    event = models.ForeignKey(
        TraceEvent, on_delete=models.PROTECT, related_name="inputs"
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "lot"], name="unique_event_input")
        ]

    def __str__(self):
        return f"{self.lot} → {self.event}"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("Nhật ký truy xuất chỉ được ghi thêm, không được xóa."))


def evidence_upload_to(instance, filename):
    return f"trace-evidence/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class TraceEvidence(models.Model):
    """A file (lab report, photo) attached to an event, fixed by its SHA-256."""

    event = models.ForeignKey(
        TraceEvent, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("tệp"), upload_to=evidence_upload_to, max_length=255)
    title = models.CharField(_("tên tài liệu"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu chứng minh")
        verbose_name_plural = _("tài liệu chứng minh")
        ordering = ["event", "pk"]

    def __str__(self):
        return self.title or self.file.name

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("Nhật ký truy xuất chỉ được ghi thêm, không được xóa."))


def hash_api_key(key: str) -> str:
    """The stored form of an API token: SHA-256 of the whole secret."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_user(self, user):
        return self.filter(cooperative__in=Cooperative.objects.for_user(user))


class ApiToken(models.Model):
    """A secret that lets a cooperative's own software use the write API.

    Scoped to one cooperative: whatever the token does, it does to that
    cooperative's products, lots and orders only. Only a SHA-256 digest is
    stored; the secret is shown once, when the token is created.
    """

    KEY_PREFIX = "nsa_"
    # Characters of the secret kept in clear, so people can tell tokens apart.
    SHOWN_LENGTH = 8

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("hợp tác xã"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("tên"),
        max_length=100,
        help_text=_("Để nhận ra mã này sau, ví dụ “Phần mềm kho” hoặc “Sổ nhật ký”."),
    )
    prefix = models.CharField(_("mở đầu"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(
        _("dùng lần cuối"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(
        _("thu hồi lúc"), null=True, blank=True, editable=False
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = pgettext_lazy("plural", "mã truy cập API")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_key(cls) -> str:
        return cls.KEY_PREFIX + secrets.token_urlsafe(32)

    def set_key(self, key: str) -> None:
        self.key_hash = hash_api_key(key)
        self.prefix = key[: len(self.KEY_PREFIX) + self.SHOWN_LENGTH]

    @classmethod
    def issue(cls, *, cooperative: Cooperative, name: str, user=None):
        """Create a token; returns it and the secret, which is not kept anywhere."""
        key = cls.new_key()
        token = cls(cooperative=cooperative, name=name, created_by=user)
        token.set_key(key)
        token.save()
        return token, key

    @classmethod
    def for_key(cls, key: str) -> "ApiToken | None":
        """The live token whose secret is `key`, or None."""
        if not key or len(key) > 200 or not key.startswith(cls.KEY_PREFIX):
            return None
        return (
            cls.objects.active()
            .select_related("cooperative", "created_by")
            .filter(key_hash=hash_api_key(key))
            .first()
        )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, user=None) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.revoked_by = user
            self.save(update_fields=["revoked_at", "revoked_by"])

    def touch(self, interval_seconds: int = 60) -> None:
        """Note the token was used (at most one write a minute per token)."""
        now = timezone.now()
        if (
            self.last_used_at is None
            or (now - self.last_used_at).total_seconds() >= interval_seconds
        ):
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class ApiIdempotencyKey(models.Model):
    """The answer given to a POST that carried an `Idempotency-Key` header.

    A retry with the same key (from the same token) gets this answer again
    instead of doing the work twice; the same key with a different request is
    refused. Kept for a day (`EXPIRY`).
    """

    EXPIRY = datetime.timedelta(hours=24)

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"], name="unique_idempotency_key_per_scope"
            )
        ]

    def __str__(self):
        return f"{self.method} {self.path} [{self.key}]"
