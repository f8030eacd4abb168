"""
Screening's use of the project's one name normaliser and scorer (licensing.core.names): the folding of a name to
a comparable key, the token-aligned score, and what screening adds: trigrams for retrieval and the country
adjustment.

Scores are in 0..1. Changing anything here or in licensing.core.names changes what matches: bump ALGORITHM,
which every hit stores.
"""
from licensing.core.names import (  # noqa: F401  (screening's names for the shared normaliser)
    GENERIC,
    LEGAL_FORMS,
    STOP_WORDS,
    NameKey,
    Weight,
    idf_weights,
    name_key,
    name_similarity,
    weight,
)

# v4: a word one slip from its counterpart as written (four letters at least) earns most of its weight; v3: acronyms, words split by a space, "bin" between a son and his father, pinyin x; v2: one normaliser with the denial check (look-alikes, digits, numbers, legal forms mapped), token alignment
# weighted by rarity; no country bonus.
ALGORITHM = "names-v4"


def trigrams(text: str) -> set[str]:
    """Trigrams as PostgreSQL's pg_trgm makes them: each word padded with two spaces before and one after."""
    grams = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str, b: str) -> float:
    ga, gb = trigrams(a), trigrams(b)
    if not ga or not gb:
        return 0.0
    shared = len(ga & gb)
    return shared / (len(ga) + len(gb) - shared)


# --- Country -------------------------------------------------------------------------------------------------
# Agreeing countries add nothing: a bonus pushed near-misses ("Igor Ivanovich Semin") over the threshold. Known
# and different countries lower the score.
COUNTRY_MISMATCH_PENALTY = 0.10


def country_adjusted(score: float, query_country: str | None, entry_countries: list[str] | tuple[str, ...]) -> float:
    """Lower the score when both countries are known and differ."""
    if not query_country or not entry_countries:
        return score
    if query_country.upper() in {c.upper() for c in entry_countries}:
        return score
    return max(0.0, round(score - COUNTRY_MISMATCH_PENALTY, 4))
