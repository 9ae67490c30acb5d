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
        # What a privacy review typed past the first version of the guard:
        # a postcode with its house number a few words later, or in any case after the word postcode;
        ("postcode 3075BK huisnummer 12", [("address", "postcode 3075BK huisnummer 12")]),
        ("Woont op 3075 BK, nr. 12.", [("address", "3075 BK, nr. 12")]),
        ("3075 BK 12", [("address", "3075 BK 12")]),
        ("postcode 3075 bk nummer 12", [("address", "postcode 3075 bk nummer 12")]),
        ("huisnummer 12, postcode 3075BK", [("address", "12, postcode 3075BK")]),
        # a street type written out or abbreviated, with or without its dot, or with "nr.";
        ("Woont aan de Dorpsstr. 12", [("address", "Dorpsstr. 12")]),
        ("Kerkln. 4", [("address", "Kerkln. 4")]),
        ("Stationspln 3", [("address", "Stationspln 3")]),
        ("Zuidwg. 8b", [("address", "Zuidwg. 8b")]),
        ("Haringkd. 21", [("address", "Haringkd. 21")]),
        ("Oostsngl 100", [("address", "Oostsngl 100")]),
        ("Zeedijk 7", [("address", "Zeedijk 7")]),
        ("Boompjeskade 14", [("address", "Boompjeskade 14")]),
        ("Hoofdstraat 1", [("address", "Hoofdstraat 1")]),
        ("Beukenlaan 33", [("address", "Beukenlaan 33")]),
        ("Kerkweg nr. 7", [("address", "Kerkweg nr. 7")]),
        ("Marktplein 2", [("address", "Marktplein 2")]),
        ("Westersingel 5", [("address", "Westersingel 5")]),
        ("Herengracht 502", [("address", "Herengracht 502")]),
        ("Lindenhof 9", [("address", "Lindenhof 9")]),
        ("Woont op De Kade 5", [("address", "Kade 5")]),
        # a birth word with day, month and year: a month's name, a two-digit year;
        ("geb. 12 april 91", [("birth_date", "12 april 91")]),
        ("geboren 12-4-1991", [("birth_date", "12-4-1991")]),
        ("geboortedatum 3 mrt. 2019", [("birth_date", "3 mrt. 2019")]),
        ("Zoon, 12 april '19", [("birth_date", "12 april '19")]),
        # a full date with a two-digit year (more than a year ago);
        ("12/04/91", [("birth_date", "12/04/91")]),
        ("Dochter 3-7-19 op school", [("birth_date", "3-7-19")]),
        # a BSN in any grouping, checked with the eleven test on its digits;
        ("bsn: 111.22.2333", [("bsn", "111.22.2333")]),
        ("BSN 111 222 333", [("bsn", "111 222 333")]),
        ("bsn 1112-22-333", [("bsn", "1112-22-333")]),
        # an e-mail address written so that no machine reads it.
        ("elif[at]example.nl", [("email", "elif[at]example.nl")]),
        ("Mail elif (at) example dot nl", [("email", "elif (at) example dot nl")]),
        ("elif {at} mail [punt] example [punt] nl", [("email", "elif {at} mail [punt] example [punt] nl")]),
        ("elif at example dot nl", [("email", "elif at example dot nl")]),
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
        # Numbers in ordinary sentences:
        "Moeder heeft 3 kinderen van 4, 7 en 12.",
        "De hulpverlener komt 2 keer per week langs.",
        "Sinds 2019 bekend bij het wijkteam.",
        "In april ging het mis; op 12 april kwam de melding.",
        "Op 3 mei 10 uur gesproken, daarna 12 april 25 minuten.",  # no birth word: a time, not a birth
        "Vader is weg 2 dagen, onderweg 3 keer gebeld.",
        "Op het schoolplein 2 jongens, in de straat 12 woningen.",  # counted, or the bare word
        "Gerechtshof 3 weken geleden; markt 2 x per week.",
        "Groep 7 en 8, kinderen van 10 12 of 14 jaar, schooljaar 2024-2025.",
        "Schuld 1.250.000? Nee, 12.500 euro; huur 300.",
        "Nummer 111 222 334 staat op de brief.",  # nine digits in groups that fail the eleven test
        "Het kind at weinig punt uit.",  # "at" and "punt" are Dutch words
        "Ze woont in postcode 3072, huur 12 weken achter.",  # four digits: an area
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


def test_a_finding_is_named_in_dutch_and_the_whole_finding_is_quoted():
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        check_anonymous(
            "Zij woont aan de Dorpsstr. 12, geb. 12 april 91, bsn: 111.22.2333, mail elif[at]example.nl.",
            field="text",
            today=TODAY,
        )
    text = " ".join(caught.value.message_dict["text"])
    for expected in (
        "Dit lijkt een adres: Dorpsstr. 12.",
        "Dit lijkt een geboortedatum: 12 april 91.",
        "Dit lijkt een burgerservicenummer (BSN): 111.22.2333.",
        "Dit lijkt een e-mailadres: elif[at]example.nl.",
    ):
        assert expected in text


def test_a_two_digit_year_is_the_most_recent_such_year():
    # "19" is 2019, not 1919; "91" is 1991; a date that would lie ahead is no date of birth.
    assert kinds("geboren 1-2-19") == [("birth_date", "1-2-19")]
    assert kinds("geboren 1-2-91") == [("birth_date", "1-2-91")]
    assert kinds("Op 1-11-26 belde de school") == []  # last month: an incident, no birth word
