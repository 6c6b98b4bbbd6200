"""Properties of username normalisation and issuing, and what the FAQ promises."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenportal.accounts.models import Person, UsernameSeries
from kundenportal.accounts.services import person_create
from kundenportal.accounts.usernames import MAX_LENGTH, username_base, username_issue

USERNAME = re.compile(r"[a-z0-9.-]+")
names = st.text(max_size=400)


@given(first=names, last=names)
@settings(max_examples=500, deadline=None)
def test_any_unicode_name_gives_a_valid_deterministic_base(first, last):
    base = username_base(first_name=first, last_name=last)
    assert base
    assert USERNAME.fullmatch(base)
    assert len(base) <= MAX_LENGTH - 10  # room for any suffix
    assert base.count(".") == 1
    first_part, last_part = base.split(".")
    # Each part is words of letters joined by single hyphens: nothing empty, no digits.
    for part in (first_part, last_part):
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", part)
    assert username_base(first_name=first, last_name=last) == base


@given(first=st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)
def test_names_differing_only_in_case_and_spacing_share_a_base(first):
    spaced = f"  {first.upper()}  "
    assert username_base(first_name=spaced, last_name="Müller") == username_base(
        first_name=first.upper(), last_name="MÜLLER"
    )


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # FAQ: "z.B. max.mustermann"
        ("Max", "Mustermann", "max.mustermann"),
        # SPEC: ä→ae, ö→oe, ü→ue, ß→ss, before the library.
        ("Jürgen", "Größe", "juergen.groesse"),
        ("ÄNNE", "STRAẞE", "aenne.strasse"),
        ("Anna Maria", "von der Heide", "anna-maria.von-der-heide"),
        ("Hans-Peter", "Müller-Lüdenscheidt", "hans-peter.mueller-luedenscheidt"),
        ("José", "Núñez", "jose.nunez"),
        ("Łukasz", "Wałęsa", "lukasz.walesa"),
        ("Μαρία", "Παπαδοπούλου", "maria.papadopoulou"),
        ("Иван", "Иванов", "ivan.ivanov"),
        # An apostrophe inside a name is dropped, not a separator.
        ("Seán", "O'Brien", "sean.obrien"),
        ("Seán", "O’Brien", "sean.obrien"),
        ("D‘Angelo", "Dʼor", "dangelo.dor"),
        ("Renée", "N´Diaye", "renee.ndiaye"),
        ("Anna-Lena", "O'Brien-D’Arcy", "anna-lena.obrien-darcy"),
        ("Jean Luc", "d' Artagnan", "jean-luc.d-artagnan"),
        ("Max", "Mustermann3", "max.mustermann"),
        ("😀", "123", "teilnehmer.teilnehmer"),
    ],
)
def test_faq_and_spec_examples(first, last, expected):
    assert username_base(first_name=first, last_name=last) == expected


def test_very_long_names_are_cut_to_fit_any_suffix():
    base = username_base(first_name="A" * 300, last_name="B" * 300)
    assert len(base) <= MAX_LENGTH - 10
    assert base.startswith("a") and base.endswith("b")


@pytest.mark.django_db
def test_faq_example_max_mustermann27():
    # FAQ: "Bei Mehrfachvorkommen wird ... dieser erhöht, z.B. max.mustermann27."
    names = [username_issue(first_name="Max", last_name="Mustermann") for _ in range(28)]
    assert names[0] == "max.mustermann"
    assert names[1] == "max.mustermann1"
    assert names[27] == "max.mustermann27"


@pytest.mark.django_db
def test_digit_in_a_last_name_never_reissues_another_persons_name():
    first = person_create(first_name="Max", last_name="Mustermann")
    second = person_create(first_name="Max", last_name="Mustermann")
    assert second.username == "max.mustermann1"
    second.delete()
    # A (badly typed) last name "Mustermann1" belongs to the same series.
    third = person_create(first_name="Max", last_name="Mustermann1")
    assert third.username == "max.mustermann2"
    assert first.username == "max.mustermann"


@pytest.mark.django_db
def test_next_suffix_reads_one_series_row_not_all_accounts():
    def queries_for_next() -> int:
        with CaptureQueriesContext(connection) as ctx:
            username_issue(first_name="Max", last_name="Mustermann")
        return len(ctx.captured_queries)

    username_issue(first_name="Max", last_name="Mustermann")
    few = queries_for_next()
    Person.objects.bulk_create(
        [
            Person(username=f"max.mustermann{i}", first_name="Max", last_name="Mustermann")
            for i in range(2, 202)
        ]
    )
    UsernameSeries.objects.update(last_suffix=201)
    many = queries_for_next()
    assert many == few
    assert few <= 6  # lock, series row, one existence check, update (+ savepoints)
    assert Person.objects.filter(username="max.mustermann202").count() == 0


@pytest.mark.django_db
@given(first=st.text(max_size=30), last=st.text(max_size=30))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_issued_usernames_are_unique_for_any_names(first, last):
    a = username_issue(first_name=first, last_name=last)
    b = username_issue(first_name=first, last_name=last)
    assert a != b
    assert b.startswith(username_base(first_name=first, last_name=last))
    assert USERNAME.fullmatch(a) and USERNAME.fullmatch(b)
    assert len(a) <= MAX_LENGTH and len(b) <= MAX_LENGTH


@pytest.mark.django_db
def test_bulk_issue_follows_the_same_series_as_single_issue():
    from kundenportal.accounts.usernames import usernames_issue_many

    person_create(first_name="Max", last_name="Mustermann")  # max.mustermann
    # A hand-made account in the way of the next suffix is skipped, never reused.
    Person.objects.create_user("max.mustermann1", first_name="Max", last_name="Mustermann")
    Person.objects.create_user("erika.musterfrau", first_name="Erika", last_name="Musterfrau")

    names = usernames_issue_many(
        names=[
            ("Max", "Mustermann"),
            ("Jürgen", "Größe"),
            ("MAX", "mustermann"),
            ("Erika", "Musterfrau"),
            ("Jürgen", "Grösse"),
        ]
    )

    assert names == [
        "max.mustermann2",
        "juergen.groesse",
        "max.mustermann3",
        "erika.musterfrau1",
        "juergen.groesse1",
    ]
    # Single issue continues the same series afterwards.
    assert username_issue(first_name="Max", last_name="Mustermann") == "max.mustermann4"
    assert username_issue(first_name="Jürgen", last_name="Größe") == "juergen.groesse2"
    assert username_issue(first_name="Erika", last_name="Musterfrau") == "erika.musterfrau2"
    assert usernames_issue_many(names=[]) == []
