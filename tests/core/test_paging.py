"""core.paging: a page and its total in one query, the same pages as Django's Paginator."""

import pytest
from django.core.paginator import Paginator

from kundenportal.companies.models import Company
from kundenportal.core.paging import page_of
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def _names():
    return Company.objects.order_by("name").values("id", "name")


@pytest.fixture
def companies():
    CompanyFactory.create_batch(12)


@pytest.mark.parametrize(
    "number",
    ["1", "2", "3", 3, "4", "99", "0", "-2", "x", None, "", "²", "٣", "9" * 19, "9" * 5000],
)
def test_pages_are_those_of_the_paginator(companies, number):
    expected = Paginator(_names(), 5).get_page(number)
    page = page_of(_names(), number, 5)
    assert page.number == expected.number
    assert page.paginator.count == 12 and page.paginator.num_pages == 3
    assert [row["name"] for row in page] == [row["name"] for row in expected]
    assert (page.has_previous(), page.has_next()) == (expected.has_previous(), expected.has_next())


def test_a_page_within_the_list_takes_one_query(companies, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = page_of(_names(), "2", 5)
        assert page.paginator.num_pages == 3 and len(page) == 5


def test_an_empty_list_is_one_empty_first_page(django_assert_num_queries):
    for number in ("1", "7"):
        page = page_of(_names(), number, 5)
        assert (page.number, len(page), page.paginator.count) == (1, 0, 0)
    with django_assert_num_queries(1):
        page_of(_names(), "1", 5)


def test_a_list_is_paged_as_it_is():
    page = page_of(list(range(12)), "3", 5)
    assert list(page) == [10, 11] and page.paginator.num_pages == 3
