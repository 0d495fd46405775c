"""bench/bench_pollution.py: the simulated Hangul cipher is read on text of a source the detector was not
built on, and a wrong read stays rare (a floor on a few pages of the tune split, not the report)."""

from bench_pollution import TUNE_SEED, hangul_cipher, site_hangul_cipher
from restore_eval import make_docs


def test_hangul_cipher_is_mostly_read_and_rarely_wrong() -> None:
    docs = make_docs("news-1990s", "tune", 8, min_chars=900)
    tally = hangul_cipher(docs, TUNE_SEED)
    assert sum(tally.values()) == 9 * len(docs)
    assert tally["right"] >= 0.6 * sum(tally.values())
    assert tally["wrong"] <= 0.05 * sum(tally.values())


def test_a_site_of_one_cipher_is_read_over_its_pages() -> None:
    # What one page leaves open, ten pages of the same cipher decide (cunzhen clean --site-pass).
    docs = make_docs("news-1990s", "tune", 10, min_chars=900)
    tally = site_hangul_cipher(docs, TUNE_SEED)
    assert tally["right"] >= 0.9 * sum(tally.values())
    assert tally["wrong"] <= 0.02 * sum(tally.values())


def test_every_injected_kind_is_cut_and_the_article_kept() -> None:
    from bench_pollution import INJECTORS, injected
    from realpages import engine_clean_fn

    clean_fn = engine_clean_fn()
    docs = make_docs("news-1990s", "tune", 4, min_chars=900)
    for kind, inject in INJECTORS.items():
        tally = injected(docs, inject, TUNE_SEED, clean_fn)
        assert tally["injected"] > 0, kind
        # Masks two words apart on one line pass for a markdown pair, an enumeration comma inside a word the
        # word model does not know is read as genuine, a letter for a character is read only when the model is
        # sure, and a brand the host spells is cut only where it reads as set into its sentences (68% of them
        # stay on the 40 tune pages): those kinds are held to lower floors.
        floors = {
            "masks": 0.15,
            "enumeration commas": 0.15,
            "letters for characters": 0.4,
            "brand the host spells": 0.85,
        }
        share = floors.get(kind, 0.05)
        assert tally["left"] <= share * tally["injected"], (kind, tally)
        assert tally["lost"] <= 0.005 * tally["article"], kind


def test_a_sites_brand_is_decided_over_its_pages() -> None:
    # Set once a page, a made-up brand on the host that spells it stays page by page; over the site it goes.
    from bench_pollution import site_host_brand

    docs = make_docs("news-1990s", "tune", 40, min_chars=900)  # four sites (bench --tune: 23% left)
    tally = site_host_brand(docs, TUNE_SEED)
    assert tally["site left"] <= 0.5 * tally["site injected"] < tally["alone left"]
    assert tally["site lost"] <= 0.005 * tally["site article"]
