"""Descriptions and terms are folded alike: width, case, script, plurals, units and noise words."""

import pytest

from service.engine.normalise import fold, has_cjk, normalise, stem, to_simplified


def test_full_width_latin_letters_read_as_ordinary_words():
    assert normalise("Ｇａｌｌｉｕｍ　ＡＲＳＥＮＩＤＥ").words == ("gallium", "arsenide")


def test_traditional_chinese_becomes_simplified():
    assert normalise("砷化鎵晶圓").cjk == "砷化镓晶圆"
    assert to_simplified("磷酸鐵鋰") == "磷酸铁锂"


def test_simplified_chinese_is_left_as_it_is():
    assert to_simplified("磷酸铁锂正极") == "磷酸铁锂正极"


def test_chinese_runs_are_kept_apart_from_english_words():
    text = normalise("LFP 磷酸铁锂 cathode 正极")
    assert text.words == ("lfp", "cathode")
    assert text.cjk == "磷酸铁锂 正极"


def test_generic_words_and_erp_shorthand_leave_only_what_is_exported():
    # 'mfg' and 'tech' are spelt out, then dropped as generic, like 'for'.
    assert normalise("Mfg tech for NdFeB magnets").words == ("ndfeb", "magnet")
    assert normalise("cell assy").words == ("cell", "assembly")


def test_hyphenated_words_split():
    assert normalise("Li-ion cells").words == ("li", "ion", "cell")


@pytest.mark.parametrize(
    ("word", "singular"),
    [
        ("batteries", "battery"),
        ("processes", "process"),
        ("boxes", "box"),
        ("cells", "cell"),
        ("glass", "glass"),
        ("status", "status"),
        ("series", "series"),
        ("gas", "gas"),
        ("3a001", "3a001"),
    ],
)
def test_simple_plurals_fold_and_other_words_stay(word, singular):
    assert stem(word) == singular


def test_unit_spellings_are_unified():
    folded = fold("Energy density 260 Wh per kg; 2.6 g/cm³")
    assert "wh/kg" in folded
    assert "g/cm3" in folded


def test_text_of_only_noise_words_is_empty():
    assert normalise("new technology transfer for the plant").empty
    assert not normalise("钕铁硼").empty


def test_has_cjk():
    assert has_cjk("NdFeB 钕铁硼")
    assert not has_cjk("NdFeB magnet")


def test_a_cas_number_is_one_identifier() -> None:
    assert normalise("CAS 7722-64-7").words == ("cas", "cas7722647")
    assert "cas7722647" not in normalise("CAS 64-19-7, 1050 kg").words
    assert normalise("2024-11-15").words == ("2024", "11", "15")
