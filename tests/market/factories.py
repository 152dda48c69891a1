import factory

from market.models import Category, Product
from tests.producers.factories import CooperativeFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Danh mục {n}")
    slug = factory.Sequence(lambda n: f"danh-muc-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    cooperative = factory.SubFactory(CooperativeFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Chè búp khô {n}")
    slug = factory.Sequence(lambda n: f"che-bup-kho-{n}")
    price = 150000
    stock = 20
    unit = "kg"
    live = True
