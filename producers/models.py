"""Who produces and how: cooperatives (the tenants), their areas and certificates."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Collection, Orderable
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager
from wagtail.search import index

from . import places
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


class CooperativeQuerySet(models.QuerySet):
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
    latitude = models.DecimalField(
        _("vĩ độ"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("kinh độ"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_verified = models.BooleanField(
        _("đã xác minh"),
        default=False,
        help_text=_("Chỉ cán bộ huyện được đánh dấu hợp tác xã đã xác minh."),
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
        ]
        indexes = [models.Index(fields=["province_code", "commune_code"])]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (
            self.commune_code is not None
            and self.province_code is not None
            and places.commune_province(self.commune_code) != self.province_code
        ):
            raise ValidationError(
                {"commune_code": _("Xã/phường này không thuộc tỉnh đã chọn.")}
            )

    def save(self, *args, **kwargs):
        self.search_text = fold(
            " ".join([self.name, self.commune_name, self.province_name])
        )
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
    def commune_name(self):
        return places.commune_name(self.commune_code)

    @property
    def address(self):
        return ", ".join(
            p for p in [self.street, self.commune_name, self.province_name] if p
        )


class CooperativePhoto(Orderable):
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
    latitude = models.DecimalField(
        _("vĩ độ"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("kinh độ"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
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
