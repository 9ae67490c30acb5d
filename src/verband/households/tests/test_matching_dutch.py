"""Recognition that knows Dutch names (issue 17): characters, naming conventions, given names, blocking
that survives variants, estimated weights and evidence against relatives."""

import pytest

from verband.households import matching
from verband.households.matching import Description, compare, fold

# --- Characters: transliterated, never deleted ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("Yıldırım", "yildirim"),  # Turkish dotless ı
        ("İsmail", "ismail"),  # Turkish capital İ
        ("Łukasz", "lukasz"),  # Polish ł
        ("Wałęsa", "walesa"),
        ("Søren Ørsted", "soren orsted"),  # ø
        ("Strauß", "strauss"),  # ß
        ("Ærø", "aero"),  # æ
        ("Đorđević", "dordevic"),  # đ
        ("Çelik Şahin Ağaoğlu", "celik sahin agaoglu"),  # ç ş ğ
        ("Nguyễn", "nguyen"),
        ("Ĳzerman", "ijzerman"),  # the Dutch ij ligature
        ("Özdemir-Jansen", "ozdemir jansen"),
        ("O’Neil", "o'neil"),
    ],
)
def test_latin_letters_are_transliterated_not_deleted(typed, plain):
    assert fold(typed) == plain


def test_register_and_query_fold_alike():
    known = Description(given_names="Łukasz", family_name="Yıldırım", birth_year=1988, birth_month=3, birth_day=9)
    typed = Description(given_names="Lukasz", family_name="Yildirim", birth_year=1988, birth_month=3, birth_day=9)
    score, reasons = compare(typed, known)
    assert score > 0.99
    assert "achternaam gelijk" in reasons and "voornaam gelijk" in reasons
    assert matching.blocking_keys(known) & matching.blocking_keys(typed, query=True)
