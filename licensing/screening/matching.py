"""
How a name is reduced to a comparable key, and how two keys are scored.

A name goes through: Unicode folding and transliteration to Latin (Cyrillic, Greek, Arabic, Hebrew and more,
via anyascii), lower case, punctuation and dotted abbreviations removed ("B.V." -> "bv"), legal-form words and
articles dropped (Ltd, GmbH, OOO, PJSC, Co., Company, al-), and a light phonetic folding so that different
romanisations of one name meet: "Рособоронэкспорт" transliterates as "Rosoboroneksport", and both it and the
English "Rosoboronexport" fold to "rosoboroneksport" (x -> ks). Arabic script is written without short vowels,
so a name that came from it is compared on its consonant skeleton ("محمد" -> "mhmd", "Mohammed" -> "mhmd").

Scores are in 0..1. Changing anything here changes what matches: bump ALGORITHM, which every hit stores.
"""
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from anyascii import anyascii
from rapidfuzz import fuzz

ALGORITHM = "names-v1"

# Legal forms and filler words that say nothing about who the party is. Compared after folding, so "B.V." is "bv".
LEGAL_FORMS = frozenset(
    """
    ltd limited llc llp lp plc inc incorporated corp corporation co company companies cie
    gmbh mbh ag kg ohg ug ev bv nv vof cv sa sarl sas sasu srl spa sl slu sae ab oy oyj as asa aps
    ooo oao zao pao ao pjsc ojsc cjsc jsc tov too pat fgup gup mup nko
    ae epe ike oe
    fze fzco fzc fzllc wll bsc saog saoc
    pte pty bhd sdn kk
    group holding holdings
    """.split()
)
# Legal forms written out in words (English, and Russian as transliterated), removed before single words.
LEGAL_PHRASES = tuple(
    tuple(p.split())
    for p in (
        "publichnoe aktsionernoe obshchestvo", "otkrytoe aktsionernoe obshchestvo", "zakrytoe aktsionernoe obshchestvo",
        "aktsionernoe obshchestvo", "obshchestvo s ogranichennoi otvetstvennostiu", "obshchestvo s ogranichennoy otvetstvennostyu",
        "public joint stock", "open joint stock", "closed joint stock", "joint stock", "limited liability", "societe anonyme",
    )
)
# Articles and conjunctions; "al"/"el" is the Arabic article written as its own word in Latin ("Al-Hassan").
STOP_WORDS = frozenset({"the", "of", "and", "und", "et", "y", "al", "el", "ul"})

ABJAD = re.compile(r"[\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
ARABIC_ARTICLE = re.compile(r"(?<![\u0600-\u06FF])\u0627\u0644(?=[\u0600-\u06FF]{2,})")
# Greek writes /u/ as two letters; letter by letter it comes out as "oy" ("Παπαδόπουλος" -> "Papadopoylos").
GREEK_OU = re.compile(r"[οΟ][υΥ\u03cd\u038e]")
APOSTROPHES = re.compile(r"['`\u2019\u02bc\u02bb]")
NOT_ALNUM = re.compile(r"[^a-z0-9]+")
VOWELS = re.compile(r"[aeiou]")
DOUBLES = re.compile(r"(.)\1+")

# Applied in order to each word: romanisations of one sound become one spelling.
FOLDINGS = (
    ("tsch", "ch"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("ck", "k"),
    ("ph", "f"),
    ("gh", "g"),
    ("th", "t"),
    ("dj", "j"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("x", "ks"),
    ("q", "k"),
    ("c", "k"),
    ("kh", "k"),  # after c -> k, so that "ch", "kh" and "k" meet ("Michael", "Mikhail")
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
    ("z", "s"),
)


@dataclass(frozen=True)
class NameKey:
    """A name folded for comparison. `key` keeps vowels; `skeleton` does not (for abjad-script names)."""

    key: str
    skeleton: str
    abjad: bool
    tokens: tuple[str, ...] = field(default=())

    @property
    def compact(self) -> str:
        return self.key.replace(" ", "")

    def __bool__(self) -> bool:
        return bool(self.key)


def _fold_word(word: str) -> str:
    for old, new in FOLDINGS:
        word = word.replace(old, new)
    return DOUBLES.sub(r"\1", word)


def _skeleton_word(word: str) -> str:
    stripped = VOWELS.sub("", word)
    return DOUBLES.sub(r"\1", stripped) or word


def _without_phrases(words: list[str]) -> list[str]:
    out, i = [], 0
    while i < len(words):
        phrase = next((p for p in LEGAL_PHRASES if tuple(words[i : i + len(p)]) == p), None)
        if phrase and len(words) > len(phrase):
            i += len(phrase)
        else:
            out.append(words[i])
            i += 1
    return out


@functools.lru_cache(maxsize=4096)  # a screened party's name is folded twice: to match it and for the false-positive memory
def name_key(text: str) -> NameKey:
    """The comparable form of a name. Empty for a name with nothing but legal forms and punctuation."""
    text = unicodedata.normalize("NFKC", text or "")
    abjad = bool(ABJAD.search(text))
    if abjad:
        text = ARABIC_ARTICLE.sub("", text)
    text = GREEK_OU.sub("ou", text)
    ascii_text = anyascii(text).lower()
    ascii_text = APOSTROPHES.sub("", ascii_text).replace(".", "")
    words = _without_phrases([w for w in NOT_ALNUM.split(ascii_text) if w])
    meaningful = [w for w in words if w not in LEGAL_FORMS and w not in STOP_WORDS]
    # A name that is nothing but a legal form ("Company Ltd") keeps its words rather than becoming empty.
    words = meaningful or words
    tokens = tuple(t for t in (_fold_word(w) for w in words) if t)
    key = " ".join(tokens)
    skeleton = " ".join(_skeleton_word(t) for t in tokens)
    return NameKey(key=key, skeleton=skeleton, abjad=abjad, tokens=tokens)


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


# --- Scoring --------------------------------------------------------------------------------------

COUNTRY_MATCH_BONUS = 0.04
COUNTRY_MISMATCH_PENALTY = 0.10


def name_similarity(query: NameKey, candidate: NameKey, *, person: bool = False) -> float:
    """How alike two folded names are, 0..1; order of words does not matter."""
    if not query or not candidate:
        return 0.0
    if query.abjad or candidate.abjad:
        a, b = query.skeleton, candidate.skeleton
        discount = 0.97  # consonants alone say less than a full spelling
    else:
        a, b = query.key, candidate.key
        discount = 1.0
    if min(len(a.replace(" ", "")), len(b.replace(" ", ""))) < 4:
        # Very short names ("ABC") match only exactly: one letter is a third of them.
        return discount if a.replace(" ", "") == b.replace(" ", "") else 0.0
    score = max(
        fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")),  # "Rosoboron Export" vs "Rosoboronexport"
        fuzz.token_sort_ratio(a, b),  # "Ivanov Ivan" vs "Ivan Ivanov"
    )
    words_a, words_b = a.split(), b.split()
    if person and len(words_a) >= 2 and len(words_b) >= 2:
        # A person is often named without a patronymic or middle name: all of the shorter name's words
        # in the longer one counts, a little less the more words are missing.
        coverage = min(len(words_a), len(words_b)) / max(len(words_a), len(words_b))
        score = max(score, fuzz.token_set_ratio(a, b) * (0.9 + 0.1 * coverage))
    return round(score / 100 * discount, 4)


def country_adjusted(score: float, query_country: str | None, entry_countries: list[str] | tuple[str, ...]) -> float:
    """Raise the score a little when the countries agree, lower it when both are known and differ."""
    if not query_country or not entry_countries:
        return score
    if query_country.upper() in {c.upper() for c in entry_countries}:
        return min(1.0, round(score + COUNTRY_MATCH_BONUS, 4))
    return max(0.0, round(score - COUNTRY_MISMATCH_PENALTY, 4))
