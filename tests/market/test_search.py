import pytest

from market import search
from market.models import Product
from tests.market.factories import CategoryFactory, ProductFactory
from tests.market.helpers import names, published
from tests.producers.factories import CooperativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    fruit = CategoryFactory(name="Trái cây", slug="trai-cay")
    tea = CategoryFactory(name="Chè", slug="che")
    food = CategoryFactory(name="Đặc sản", slug="dac-san")
    nghi_loc = CooperativeFactory(name="HTX Nông nghiệp Nghi Lộc", slug="htx-nghi-loc")
    thanh_chuong = CooperativeFactory(
        name="HTX Chè Thanh Chương", slug="htx-thanh-chuong"
    )
    pu_mat = CooperativeFactory(name="Hợp tác xã Dược liệu Pù Mát", slug="htx-pu-mat")
    ProductFactory(
        name="Cam Vinh",
        slug="cam-vinh",
        category=fruit,
        cooperative=nghi_loc,
        first_published_at=published(10),
    )
    ProductFactory(
        name="Chè xanh Thanh Chương",
        slug="che-xanh",
        category=tea,
        cooperative=thanh_chuong,
        first_published_at=published(9),
    )
    ProductFactory(
        name="Mật ong hoa nhãn",
        slug="mat-ong",
        category=food,
        cooperative=pu_mat,
        stock=0,
        first_published_at=published(8),
    )
    ProductFactory(
        name="Đậu phộng rang",
        slug="dau-phong",
        category=food,
        cooperative=nghi_loc,
        price=60000,
        first_published_at=published(7),
    )
    ProductFactory(
        name="Chè xanh nháp",
        slug="che-xanh-nhap",
        category=tea,
        cooperative=thanh_chuong,
        live=False,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cam vinh", ["Cam Vinh"]),
        ("Cam Vinh", ["Cam Vinh"]),
        ("CAM VINH", ["Cam Vinh"]),
        ("che xanh", ["Chè xanh Thanh Chương"]),
        ("chè xanh", ["Chè xanh Thanh Chương"]),
        ("CHÈ", ["Chè xanh Thanh Chương"]),
        ("CHE XANH", ["Chè xanh Thanh Chương"]),
        ("mat ong", ["Mật ong hoa nhãn"]),
        ("Mật Ong", ["Mật ong hoa nhãn"]),
        ("MẬT ONG", ["Mật ong hoa nhãn"]),
        # "đ" and "d" are the same letter to someone typing without diacritics.
        ("dau phong", ["Đậu phộng rang"]),
        ("đậu", ["Đậu phộng rang"]),
        ("ĐẬU PHỘNG", ["Đậu phộng rang"]),
        # Word order and punctuation do not matter; every word must match.
        ("vinh, cam!", ["Cam Vinh"]),
        ("cam xanh", []),
        # The cooperative's name is part of what a product is found by.
        ("nghi loc", ["Đậu phộng rang", "Cam Vinh"]),
        ("pu mat", ["Mật ong hoa nhãn"]),
    ],
)
def test_search_ignores_case_and_diacritics(client, catalogue, query, expected):
    response = client.get("/tim-kiem/", {"q": query})
    assert response.status_code == 200
    assert names(response) == expected


def test_search_never_shows_unpublished_products(client, catalogue):
    response = client.get("/tim-kiem/", {"q": "nhap"})
    assert names(response) == []
    assert "Chè xanh nháp" not in response.content.decode()


def test_search_finds_cooperatives_by_name_without_diacritics(client, catalogue):
    response = client.get("/tim-kiem/", {"q": "duoc lieu pu mat"})
    assert [c.name for c in response.context["cooperatives"]] == [
        "Hợp tác xã Dược liệu Pù Mát"
    ]
    body = response.content.decode()
    assert 'href="/hop-tac-xa/htx-pu-mat/"' in body


def test_cooperatives_whose_name_starts_with_the_query_come_first(client):
    CooperativeFactory(name="Hợp tác xã Chè Hạnh Lâm", slug="a")
    CooperativeFactory(name="Chè Hạnh Lâm Xanh", slug="b")
    found = search.search_cooperatives(search.parse_query("che hanh lam"))
    assert [c.name for c in found] == ["Chè Hạnh Lâm Xanh", "Hợp tác xã Chè Hạnh Lâm"]


def test_cooperatives_are_also_found_by_their_commune(client):
    CooperativeFactory(name="HTX Ong mật", slug="ong", commune_code=17254)
    found = search.search_cooperatives(search.parse_query("con cuong"))
    assert [c.name for c in found] == ["HTX Ong mật"]


def test_ranking_puts_name_matches_before_matches_elsewhere(client):
    fruit = CategoryFactory()
    # Published so that "newest first" alone would give the reverse order.
    for days_ago, name, summary in [
        (50, "Cam", ""),
        (40, "Cam canh", ""),
        (30, "Cam Vinh", ""),
        (20, "Mứt vỏ cam", ""),
        (10, "Nước ép trái cây", "Ép từ cam chín cây"),
    ]:
        ProductFactory(
            name=name,
            summary=summary,
            category=fruit,
            first_published_at=published(days_ago),
        )
    response = client.get("/tim-kiem/", {"q": "CAM"})
    assert names(response) == [
        "Cam",  # the name is the query
        "Cam Vinh",  # the name starts with it; newer than "Cam canh"
        "Cam canh",
        "Mứt vỏ cam",  # the name holds it
        "Nước ép trái cây",  # only the summary holds it
    ]


def test_ranking_counts_all_words_in_the_name_whatever_their_order(client):
    category = CategoryFactory()
    ProductFactory(
        name="Gạo nếp",
        summary="Gạo Vinh",
        category=category,
        first_published_at=published(1),
    )
    ProductFactory(
        name="Vinh gạo tám", category=category, first_published_at=published(9)
    )
    response = client.get("/tim-kiem/", {"q": "gao vinh"})
    assert names(response) == ["Vinh gạo tám", "Gạo nếp"]


def test_an_explicit_sort_overrides_relevance(client, catalogue):
    response = client.get("/tim-kiem/", {"q": "nghi loc", "sort": "price_asc"})
    assert names(response) == ["Đậu phộng rang", "Cam Vinh"]


def test_catalogue_filters_apply_to_search_results(client, catalogue):
    response = client.get("/tim-kiem/", {"q": "nghi loc", "category": "trai-cay"})
    assert names(response) == ["Cam Vinh"]
    response = client.get("/tim-kiem/", {"q": "mat ong", "in_stock": "on"})
    assert names(response) == []
    response = client.get("/tim-kiem/", {"q": "nghi loc", "price_max": "100.000"})
    assert names(response) == ["Đậu phộng rang"]


def test_search_page_keeps_the_query_in_the_form_and_the_page_links(client, settings):
    settings.MARKET_CATALOGUE_PAGE_SIZE = 2
    category = CategoryFactory()
    for i in range(3):
        ProductFactory(name=f"Chè búp {i}", category=category)
    response = client.get("/tim-kiem/", {"q": "chè búp"})
    body = response.content.decode()
    assert 'value="chè búp"' in body
    assert 'href="?q=ch%C3%A8+b%C3%BAp&amp;page=2"' in body


def test_no_result_page_suggests_categories_popular_products_and_a_correction(
    client, catalogue
):
    response = client.get("/tim-kiem/", {"q": "cam vihn"})
    body = response.content.decode()
    assert response.status_code == 200
    assert names(response) == []
    assert "Không tìm thấy sản phẩm nào cho “cam vihn”." in body
    assert response.context["did_you_mean"] == "cam vinh"
    assert 'href="/tim-kiem/?q=cam%20vinh"' in body
    assert 'href="/san-pham/?category=trai-cay"' in body
    popular = [p.name for p in response.context["popular_products"]]
    assert popular and "Mật ong hoa nhãn" not in popular  # out of stock


def test_did_you_mean_is_offered_only_when_the_correction_finds_something(
    client, catalogue
):
    response = client.get("/tim-kiem/", {"q": "qwxz"})
    assert response.context["did_you_mean"] is None
    assert "Có phải bạn muốn tìm" not in response.content.decode()


def test_did_you_mean_corrects_each_word_on_its_own(catalogue):
    query = search.parse_query("mat ongg")
    assert search.did_you_mean(query, Product.objects.published()) == "mat ong"


def test_empty_search_shows_a_prompt_and_suggestions(client, catalogue):
    response = client.get("/tim-kiem/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nhập tên sản phẩm" in body
    assert response.context["popular_products"]


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        '"; DROP TABLE market_product; --',
        "%_%_\\",
        "<script>alert('x')</script>",
        "<b>cam</b>",
        "🍊🍵🐝",
        "cam 🍊",
        "\x00cam\x00",
        "\u202ecam",
        "a" * 10_000,
        "cam " * 500,
        "   ",
        "中文 検索",
        "ﬁ ½ ²",
    ],
)
def test_hostile_or_odd_queries_never_fail(client, catalogue, query):
    response = client.get("/tim-kiem/", {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<b>cam</b>" not in body


def test_html_in_the_query_is_escaped_and_still_searched(client, catalogue):
    response = client.get("/tim-kiem/", {"q": "<cam & vinh>"})
    assert names(response) == ["Cam Vinh"]
    body = response.content.decode()
    assert "&lt;cam &amp; vinh&gt;" in body
    assert "<cam & vinh>" not in body


def test_emoji_next_to_words_are_ignored(client, catalogue):
    response = client.get("/tim-kiem/", {"q": "cam 🍊 vinh"})
    assert names(response) == ["Cam Vinh"]


def test_long_query_is_cut_to_a_hundred_characters_with_a_notice(client, catalogue):
    response = client.get("/tim-kiem/", {"q": "cam vinh " + "x" * 200})
    assert response.status_code == 200
    assert len(response.context["search_query"]) == search.MAX_QUERY_LENGTH
    assert any("100" in m for m in response.context["filter_messages"])


def test_parse_query_folds_dedupes_and_bounds_the_words():
    query = search.parse_query("  Chè  CHÈ xanh 🍵 <b>Đậu</b> \x00 ")
    assert query.words == ("che", "xanh", "b", "dau")
    many = search.parse_query(" ".join(f"w{i}" for i in range(30)))
    assert len(many.words) == search.MAX_QUERY_WORDS
    assert not search.parse_query("🍊 !!! \x00")


def test_english_search_page_renders(client, catalogue):
    response = client.get("/en/tim-kiem/", {"q": "cam vinh"})
    assert response.status_code == 200
    assert names(response) == ["Cam Vinh"]
    assert "₫150,000" in response.content.decode()


def test_no_result_search_costs_a_bounded_number_of_queries(
    client, catalogue, django_assert_max_num_queries
):
    client.get("/tim-kiem/", {"q": "cam vihn"})  # fills the spelling vocabulary cache
    with django_assert_max_num_queries(12):
        response = client.get("/tim-kiem/", {"q": "cam vihn"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_renaming_a_cooperative_makes_its_products_findable_by_the_new_name(client):
    cooperative = CooperativeFactory(name="HTX Nông nghiệp Hạnh Lâm", slug="htx-hl")
    ProductFactory(cooperative=cooperative, name="Chè búp", slug="che-bup-hl")
    cooperative.name = "HTX Chè Thanh Chương"
    cooperative.save()
    response = client.get("/tim-kiem/", {"q": "thanh chuong che bup"})
    assert [p.slug for p in response.context["products"]] == ["che-bup-hl"]
