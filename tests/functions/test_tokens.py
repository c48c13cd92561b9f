"""Secret link values: derived from a random nonce with the server's key, stored only as hashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.applications import tokens
from chalicelib.randomness import SystemTokenSource

from tests.fakes.randomness import FakeTokenSource

SECRET = b"k" * 32


def test_a_system_token_has_256_bits_in_43_url_safe_characters() -> None:
    token = SystemTokenSource().token()
    assert tokens.is_well_formed(token)
    assert len(token) == 43


def test_system_tokens_do_not_repeat() -> None:
    source = SystemTokenSource()
    assert len({source.token() for _ in range(1000)}) == 1000


def test_fake_tokens_are_well_formed_distinct_and_reproducible() -> None:
    first, second = FakeTokenSource(), FakeTokenSource()
    values = [first.token() for _ in range(3)]
    assert values == [second.token() for _ in range(3)]
    assert len(set(values)) == 3
    assert all(tokens.is_well_formed(v) for v in values)


def test_a_derived_value_depends_on_the_secret_the_purpose_and_the_nonce() -> None:
    nonce = FakeTokenSource().token()
    value = tokens.derive(SECRET, tokens.REVIEW, nonce)
    assert tokens.is_well_formed(value)
    assert value == tokens.derive(SECRET, tokens.REVIEW, nonce)
    assert value != tokens.derive(b"x" * 32, tokens.REVIEW, nonce)
    assert value != tokens.derive(SECRET, tokens.STATUS, nonce)
    assert value != nonce


def test_only_the_hash_matches_and_the_hash_is_not_the_token() -> None:
    token = SystemTokenSource().token()
    stored = tokens.hash_token(token)
    assert stored != token and len(stored) == 64
    assert tokens.matches(token, stored)
    assert not tokens.matches(token[:-1] + ("A" if token[-1] != "A" else "B"), stored)


def test_a_form_token_is_bound_to_one_link() -> None:
    one, other = tokens.hash_token("a" * 43), tokens.hash_token("b" * 43)
    form = tokens.form_token(SECRET, one)
    assert tokens.form_token_is_valid(SECRET, one, form)
    assert not tokens.form_token_is_valid(SECRET, other, form)
    assert not tokens.form_token_is_valid(b"y" * 32, one, form)


def test_a_form_token_with_letters_beyond_ascii_is_wrong_not_an_error() -> None:
    link = tokens.hash_token("a" * 43)
    assert not tokens.form_token_is_valid(SECRET, link, "aÙßå\x90H:Þ")
    assert not tokens.form_token_is_valid(SECRET, link, "é" * 43)


def test_malformed_tokens_are_recognised_before_any_lookup() -> None:
    assert not tokens.is_well_formed("")
    assert not tokens.is_well_formed("a" * 42)
    assert not tokens.is_well_formed("a" * 42 + "=")
    assert not tokens.is_well_formed("../" + "a" * 40)
    assert not tokens.is_well_formed("a" * 43 + "\n")


def test_links_expire_after_the_configured_days() -> None:
    issued = datetime(2026, 1, 12, tzinfo=UTC)
    assert tokens.expiry(issued, tokens.DEFAULT_TTL_DAYS) == issued + timedelta(days=7)
