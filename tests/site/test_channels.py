"""Which complaint channels become links, and to what."""

from __future__ import annotations

import pytest
from chalicelib.standard.schema import Channel
from sitegen.channels import channel_href


@pytest.mark.parametrize(
    ("channel", "href"),
    [
        (Channel("email", "dinsos@kalbarprov.go.id"), "mailto:dinsos@kalbarprov.go.id"),
        (Channel("phone", "(0561) 732523"), "tel:+62561732523"),
        (Channel("phone", "0822 5560 0445"), "tel:+6282255600445"),
        (Channel("phone", "+62 812-3456-7890"), "tel:+6281234567890"),
        (Channel("whatsapp", "082158948200"), "https://wa.me/6282158948200"),
        (Channel("telegram", "082158948200"), "https://t.me/+6282158948200"),
        (Channel("website", "http://dinsos.kalbarprov.go.id/"), "http://dinsos.kalbarprov.go.id/"),
        (Channel("social", "https://www.instagram.com/dinsospm/", "Instagram"), "https://www.instagram.com/dinsospm/"),
        (Channel("social", "dinsos_Provkalbar", "Instagram"), "https://www.instagram.com/dinsos_Provkalbar/"),
        (Channel("whatsapp", "+60 12-345 6789"), "https://wa.me/60123456789"),
    ],
)
def test_a_valid_channel_becomes_a_link_a_phone_can_act_on(channel: Channel, href: str) -> None:
    assert channel_href(channel) == href


@pytest.mark.parametrize(
    "channel",
    [
        Channel("email", "pengaduan at dinas"),
        Channel("phone", "1500-123"),
        Channel("phone", "+62 1234567"),
        Channel("phone", "0812-abc-7890"),
        Channel("whatsapp", "nomor menyusul"),
        Channel("website", "dinsos.kalbarprov.go.id"),
        Channel("social", "Dinas Sosial Provinsi kalbar", "Facebook"),
        Channel("social", "dinsos_kalbar", "Akun resmi"),
        Channel("phone", "(0561) 732524", "Fax"),
        Channel("postal", "Jl. Sutan Syahrir No. 3 Pontianak"),
        Channel("box", "Kotak pengaduan"),
        Channel("in_person", "Loket pengaduan"),
        Channel("app", "Klungkung Mesadu"),
    ],
)
def test_a_channel_that_cannot_be_followed_is_not_linked(channel: Channel) -> None:
    assert channel_href(channel) is None
