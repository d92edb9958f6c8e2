"""Swedish order for names the pages list."""

from __future__ import annotations

from portal.collation import swedish


def test_a_to_z_then_a_ring_a_umlaut_o_umlaut_with_case_and_accents_aside():
    names = ["Örebro", "Zeta", "ängelholm", "Åre", "akutmottagningen", "Éksjö", "Bollnäs", "Äldreboendet Tallen"]
    assert sorted(names, key=swedish) == [
        "akutmottagningen", "Bollnäs", "Éksjö", "Zeta", "Åre", "Äldreboendet Tallen", "ängelholm", "Örebro",
    ]


def test_letters_of_neighbouring_languages_sort_as_their_swedish_counterparts():
    assert sorted(["Øster", "Ås", "Ærø", "Müller", "Mårten", "Mz"], key=swedish) == [
        "Müller", "Mz", "Mårten", "Ås", "Ærø", "Øster",
    ]


def test_a_decomposed_ring_sorts_as_the_composed_letter_and_equal_names_keep_one_order():
    assert sorted(["Ö", "A\u030are", "Zeta"], key=swedish) == ["Zeta", "A\u030are", "Ö"]
    assert sorted(["vård", "Vård"], key=swedish) == sorted(["Vård", "vård"], key=swedish)
