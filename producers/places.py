"""Vietnamese administrative units (after the 2025 reform), from vietnam-provinces.

Provinces and communes are stored as their official numeric codes; names come from
the package so a renamed unit is fixed by upgrading it, not by migrating rows.
"""

from functools import cache

from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Province, Ward

# What forms and the API say when a commune lies outside the chosen province.
COMMUNE_OUTSIDE_PROVINCE = _("Xã/phường này không thuộc tỉnh/thành đã chọn.")


@cache
def province_choices() -> list[tuple[int, str]]:
    return sorted(
        ((int(p.code), p.name) for p in Province.iter_all()), key=lambda c: c[1]
    )


@cache
def _wards_by_province() -> dict[int, list[tuple[int, str]]]:
    by_province: dict[int, list[tuple[int, str]]] = {}
    for ward in Ward.iter_all():
        by_province.setdefault(int(ward.province_code), []).append(
            (int(ward.code), ward.name)
        )
    for wards in by_province.values():
        wards.sort(key=lambda c: c[1])
    return by_province


def commune_choices(province_code: int | None = None) -> list[tuple[int, str]]:
    if province_code is None:
        return [c for wards in _wards_by_province().values() for c in wards]
    return _wards_by_province().get(int(province_code), [])


@cache
def _province_names() -> dict[int, str]:
    return dict(province_choices())


@cache
def _commune_index() -> dict[int, tuple[str, int]]:
    return {int(w.code): (w.name, int(w.province_code)) for w in Ward.iter_all()}


def province_name(code: int | None) -> str:
    return _province_names().get(code, "") if code is not None else ""


def commune_name(code: int | None) -> str:
    return _commune_index().get(code, ("", 0))[0] if code is not None else ""


def commune_province(code: int) -> int | None:
    entry = _commune_index().get(code)
    return entry[1] if entry else None


def commune_outside_province(commune, province) -> bool:
    """Whether both codes are given and the commune lies in another province."""
    if not commune or not province:
        return False
    return commune_province(int(commune)) != int(province)


def is_province(code: int) -> bool:
    return code in _province_names()


def is_commune(code: int) -> bool:
    return code in _commune_index()


def format_address(street: str, commune_code: int | None, province_code: int | None):
    """Street, commune, province, as Vietnamese write an address (blanks left out)."""
    parts = [street, commune_name(commune_code), province_name(province_code)]
    return ", ".join(part for part in parts if part)
