"""The guard against identities: what identifies someone is found and refused with a Dutch message that
says what and where; ordinary descriptions pass. Names are not looked up (that would be an oracle)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from verband.consultation.identity import check_anonymous, findings

TODAY = date(2026, 12, 1)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in findings(text, TODAY)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Het BSN van moeder is 123456782.", [("bsn", "123456782")]),
        ("bsn 1234.56.782", [("bsn", "1234.56.782")]),
        ("bsn 123 456 782", [("bsn", "123 456 782")]),
        ("Woont op 3072 AB 12.", [("address", "3072 AB 12")]),
        ("Adres: 12, 3072AB Rotterdam", [("address", "12, 3072AB")]),
        ("Woont aan de Dorpsstraat 12a", [("address", "Dorpsstraat 12a")]),
        ("Moeder is geboren op 12-03-1988.", [("birth_date", "12-03-1988")]),
        ("Kind 03/07/2019, school meldt zorgen", [("birth_date", "03/07/2019")]),
        ("Baby geboren 2 november 2026", [("birth_date", "2 november 2026")]),
        ("1988-03-12", [("birth_date", "1988-03-12")]),
        ("Mail hem op jan.jansen@example.nl als het kan", [("email", "jan.jansen@example.nl")]),
        ("Bel moeder op 06-12345678", [("phone", "06-12345678")]),
        ("Tel. 010 - 123 45 67", [("phone", "010 - 123 45 67")]),
        ("Nummer +31 (0)6 1234 5678", [("phone", "+31 (0)6 1234 5678")]),
        ("Rekening NL91 ABNA 0417 1643 00", [("iban", "NL91 ABNA 0417 1643 00")]),
    ],
)
def test_what_identifies_someone_is_found(text, found):
    assert kinds(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Nummer 123456789 staat op de brief.",  # nine digits that fail the eleven test: no BSN
        "Moeder (34) en twee kinderen van 4, 6 en 9 jaar in Feijenoord.",
        "Sinds 2021 drie meldingen; in 2019 op 12 maart ging het mis.",
        "Op 14-11-2026 kwam de politie (een incident van vorige maand, geen geboortedatum).",
        "Om 09.30 en 10.00 uur belt het wijkteam.",
        "Schuld van 1250 euro, huur 300 achterstand.",
        "Ze woont in postcodegebied 3072.",  # four digits: an area, not an address
        "31-02-1990 is geen datum.",
        "Anna van Dam en Bram",  # names are not checked against the register
    ],
)
def test_ordinary_descriptions_pass(text):
    assert kinds(text) == []
    check_anonymous(text, field="facts", today=TODAY)


def test_the_message_is_dutch_and_says_what_to_leave_out():
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        check_anonymous("BSN 123456782, bel 06-12345678", field="facts", today=TODAY)
    messages = caught.value.message_dict["facts"]
    text = " ".join(messages)
    assert "Laat gegevens weg waarmee iemand te herkennen is" in text
    assert "Dit lijkt een burgerservicenummer (BSN): 123456782." in text
    assert "Dit lijkt een telefoonnummer: 06-12345678." in text


def test_a_phone_number_is_not_also_read_as_a_bsn():
    # 0612345678 holds nine digits that could pass the eleven test; it is one finding, a phone number.
    assert [k for k, _t in kinds("bel 0612345678")] == ["phone"]
