"""core.scrub: the prefix-tree pattern finds exactly the texts that contain a word, in Python
and in the database."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundenportal.core.scrub import contains_pattern, naming_any, needles, scrub
from kundenportal.notifications.models import OutboxMail

alphabet = st.sampled_from(list("abcäöüß.-_ ()*+?[]\\|{}^$1234"))
word = st.text(alphabet, min_size=3, max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(word, min_size=1, max_size=12), texts=st.lists(st.text(alphabet, max_size=30))
)
def test_the_pattern_matches_exactly_the_texts_that_contain_a_word(words, texts):
    pattern = re.compile(contains_pattern(words))
    for text in [*texts, *words, "x" + words[0] + "y"]:
        assert bool(pattern.search(text)) == any(w in text for w in words), (text, words)


@pytest.mark.django_db
def test_naming_any_finds_a_name_however_it_is_written_and_stored():
    # (SQLite stores "ü" in JSON as "\\u00fc": the escaped spelling is looked for too.)
    texts = ["Jürgen Größe", "a.b(c)", "kein Treffer", "GRÖSSE", "x*y+z", "Frau MÜLLER"]
    texts += ["Jürgen GRÖSSE", "JÜRGEN Größe", "Jörg MÖLLER", 'Hans "Hansi" Meier', "İLHAN Yılmaz"]
    for text in texts:
        OutboxMail.objects.create(template="x", to=["a@example.org"], context={"text": text})
    words = needles(
        ["größe", "a.b(c)", "x*y", "müller", "jörg möller", 'hans "hansi"', "İlhan yılmaz"]
    )
    found = naming_any(OutboxMail.objects.all(), ["context"], words)
    names = sorted(m.context["text"] for m in found)
    # "GRÖSSE" is "Größe" in capitals.
    assert names == sorted(set(texts) - {"kein Treffer"})
    assert not naming_any(OutboxMail.objects.all(), ["context"], needles(["zzz"])).exists()


def test_scrub_replaces_a_name_in_capitals_too():
    words = needles(["Jürgen Größe"])
    assert scrub({"a": ["JÜRGEN GRÖSSE war da"], "b": "Herr Größe"}, words) == {
        "a": ["(gelöscht)"],
        "b": "Herr Größe",
    }
    assert scrub("jürgen größe", words) == "(gelöscht)"
