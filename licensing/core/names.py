"""
The one way a party's name is reduced to a comparable key, and how two keys are scored. Sanctions screening
(licensing.screening) and the essentially-identical-denial check (licensing.assessment) both use it, so a
spelling one of them catches the other catches too.

Folding, in order:
1. NFKC (full-width letters, ligatures, no-break spaces), format characters dropped (zero-width space and joiners,
   soft hyphen, bidi marks): none of them is seen on paper, so none may hide a name.
2. Look-alike letters of other scripts inside a Latin word ("Ѕergey" with a Cyrillic Ѕ, "Dеfеncе" with Cyrillic
   е) become the Latin letters they imitate, and so does a word made only of such letters in an otherwise Latin
   name. A word wholly in another script is transliterated as written ("Рособоронэкспорт" -> "Rosoboroneksport").
   The table is a subset of Unicode's confusables (UTS #39, confusables.txt) for Cyrillic and Greek.
3. Digits written for letters inside a word ("R0s0b0r0nexp0rt", "I9or Sech1n") become the letters; a word
   that is mostly digits stays a number. Ordinals ("1st") and Roman numerals ("Fund VIII") become numbers,
   which are compared as numbers.
4. Transliteration to Latin (anyascii: Cyrillic, Greek, Arabic, Hebrew, CJK...), lower case, punctuation off;
   letters spelled out one by one ("R-o-s-o-b-o-r-o-n") joined; dotted initials ("A.Q.") split into initials,
   unless they spell a legal form ("B.V.").
5. Legal forms, spelled out or abbreviated, national or English, map to one canonical abbreviation
   ("Aktiengesellschaft" -> "ag", "Общество с ограниченной ответственностью" -> "ooo") and are kept apart from
   the words that name the party (NameKey.forms); "group" and "holding" are words of a name, not legal forms.
   Sources of the table: ISO 20275 Entity Legal Forms code list (GLEIF, ELF codes for DE, NL, RU, AE, ...),
   and the UAE free-zone authorities' company types (FZE, FZCO, FZ-LLC).
6. A light phonetic folding so that romanisations of one sound meet ("Rosoboronexport" and "Rosoboroneksport":
   x -> ks; ch/kh/k; w/v; y/i...). Arabic script has no short vowels: such names compare on their consonant
   skeleton ("محمد" -> "mhmd", "Mohammed" -> "mhmd").

Scoring (`name_similarity`) aligns the words of two names one to one, each word weighed by how distinctive it
is (`weight`: rare in the lists, not a generic word like "trading" or "government"), so that one differing
distinctive word sinks the score and common words count little. Initials meet the words they begin, numbers
meet only equal numbers. Words present on one side only cost according to what they are: a person's
patronymic or middle name little, words added to a listed organisation's full name ("Rosoboronexport
Kazakhstan") little, a listed organisation's word missing from the query a lot. For organisations, order
counts a little.

Before aligning (names-v3): two neighbouring words that together are a word of the other name are one word
("Patr ushev"); in a person's name two initials written as one word meet two given names ("JC" / "Jean-Claude");
an organisation's acronym of three to six letters stands for the run of words it spells ("PLA" / "People's
Liberation Army", worth ACRONYM); and in two persons' names with "bin" between names, words that changed sides of
it ("Salman bin Muhammad" / "Muhammad bin Salman": son and father swapped) earn nothing.

A slip (names-v4): a word one letter from its counterpart as written (changed, added, dropped, or two neighbours
swapped; four letters at least each, never a number) earns TYPO squared, about three quarters of its weight, so
that "Vladimir Pulin" still meets "Vladimir Putin" while a one-word name or a second differing word does not reach
the threshold. It is judged on the words before the phonetic folding (`spellings`), which can make two spellings
look closer than they are: "Semin" and "Sechin" fold to "semin" / "sekin", one letter apart, but are two apart as
written and stay a differing word.
"""
import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from anyascii import anyascii
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

# --- Look-alikes (UTS #39 confusables.txt, Cyrillic and Greek letters whose prototype is a Latin letter) ------
CONFUSABLES = {
    # Cyrillic
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M", "О": "O", "Р": "P",
    "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    "а": "a", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "о": "o", "р": "p", "ѕ": "s", "х": "x", "у": "y",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y", "ѵ": "v",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Υ": "Y", "Χ": "X", "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "υ": "u", "χ": "x",
    "η": "n", "ω": "w", "ϲ": "c", "ϳ": "j",
}
_CONFUSABLE_TABLE = str.maketrans(CONFUSABLES)
# Digits for letters ("leet"); applied only inside words that are mostly letters.
DIGIT_LETTERS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s"})
ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th|e|er|eme)$")
NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
         "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    )
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
ORDINAL_WORDS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10"}
# Roman numerals from II; "vi", "xi", "li", "di", "mi", "mix", "civ"... are also names or words, so only these
# and only after the first word ("Fund VIII", never "Xi Jinping").
ROMAN = {r: str(n) for n, r in enumerate(["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"]) if r not in {"", "i", "v", "x", "vi", "xi"}}

# --- Legal forms: written-out and abbreviated forms -> one canonical abbreviation (compared after folding of
# case, accents and punctuation, before the phonetic folding). ISO 20275 ELF list (GLEIF) per jurisdiction;
# the Russian forms as transliterated by anyascii from Cyrillic and as commonly romanised.
_LEGAL_FORM_NAMES = {
    "ltd": "limited", "llc": "limited liability company", "llp": "limited liability partnership", "lp": "limited partnership",
    "plc": "public limited company", "inc": "incorporated", "corp": "corporation", "co": "company|companies|cie",
    "gmbh": "gesellschaft mit beschrankter haftung|gesellschaft mit beschraenkter haftung|mbh",
    "ag": "aktiengesellschaft|aktiengeselschaft", "kg": "kommanditgesellschaft|gmbh co kg", "ohg": "offene handelsgesellschaft", "ug": "",
    "ev": "eingetragener verein", "bv": "besloten vennootschap", "nv": "naamloze vennootschap", "vof": "vennootschap onder firma",
    "cv": "commanditaire vennootschap", "sa": "societe anonyme|sociedad anonima|sociedade anonima", "sarl": "societe a responsabilite limitee",
    "sas": "societe par actions simplifiee", "sasu": "", "srl": "societa a responsabilita limitata|sociedad de responsabilidad limitada|societatea cu raspundere limitata",
    "spa": "societa per azioni", "sl": "sociedad limitada", "slu": "", "sae": "", "ab": "aktiebolag", "oy": "osakeyhtio", "oyj": "",
    "as": "aksjeselskap|aktieselskab", "asa": "allmennaksjeselskap", "aps": "anpartsselskab", "kft": "korlatolt felelossegu tarsasag",
    "sro": "spolecnost s rucenim omezenym", "spzoo": "spolka z ograniczona odpowiedzialnoscia|sp z oo|sp z o o",
    "ooo": "obshchestvo s ogranichennoi otvetstvennostiu|obshchestvo s ogranichennoy otvetstvennostyu"
    "|obshchestvo s ogranichennoi otvetstvennostyu|obshchestvo s ogranichennoj otvetstvennostju",
    "ao": "aktsionernoe obshchestvo|aktsionernoye obshchestvo|joint stock company|jsc",
    "pao": "publichnoe aktsionernoe obshchestvo|publichnoye aktsionernoye obshchestvo|public joint stock company|pjsc",
    "oao": "otkrytoe aktsionernoe obshchestvo|open joint stock company|ojsc",
    "zao": "zakrytoe aktsionernoe obshchestvo|closed joint stock company|cjsc",
    "fgup": "federalnoe gosudarstvennoe unitarnoe predpriiatie|federal state unitary enterprise", "gup": "", "mup": "", "nko": "",
    "tov": "tovarystvo z obmezhenoiu vidpovidalnistiu", "too": "tovarishchestvo s ogranichennoi otvetstvennostiu", "pat": "",
    "ae": "anonymi etaireia", "epe": "", "ike": "", "oe": "",
    "fze": "free zone establishment", "fzco": "free zone company", "fzc": "", "fzllc": "free zone limited liability company|fz llc",
    "wll": "with limited liability", "bsc": "", "saog": "", "saoc": "", "pte": "private", "pty": "proprietary", "bhd": "berhad",
    "sdn": "sendirian", "kk": "kabushiki kaisha",
    # Not a legal form but the same kind of descriptor: a private military company (Russian ЧВК).
    "pmc": "private military company|chastnaia voennaia kompaniia|chastnaya voennaya kompaniya|chvk",
}
LEGAL_FORMS: dict[tuple[str, ...], str] = {}
for _canonical, _spelled in _LEGAL_FORM_NAMES.items():
    LEGAL_FORMS[(_canonical,)] = _canonical
    for _phrase in filter(None, _spelled.split("|")):
        LEGAL_FORMS[tuple(_phrase.split())] = _canonical
MAX_FORM_WORDS = max(len(p) for p in LEGAL_FORMS)

# Articles, conjunctions and honorifics; "al"/"el" is the Arabic article written as its own word ("Al-Hassan").
STOP_WORDS = frozenset({"the", "of", "and", "und", "et", "y", "al", "el", "ul", "mr", "mrs", "ms", "dr", "prof", "sir", "shaikh", "sheikh", "sheik",
                        "president", "presidente", "prasident", "monsieur", "madame", "mme", "herr", "frau", "mv"})
# "son of" and "servant of" in Arabic names, however romanised.
SAME_WORD = {"ibn": "bin", "ben": "bin", "bint": "bin",
             # Common abbreviations of words in organisations' names.
             "intl": "international", "natl": "national", "mfg": "manufacturing", "bros": "brothers", "assn": "association"}

# Words that say little about which party it is: they weigh GENERIC_WEIGHT instead of 1 (the lists' own
# frequencies lower them further, see `weight`). Compared after folding.
GENERIC_WEIGHT = 0.3
_GENERIC = """
bank trading trade traders international general government ministry state national republic federal federation
commercial enterprise enterprises development investment investments management consulting logistics shipping
petroleum oil gas energy construction manufacturing association associates associated partners foundation fund
global world united new center centre institute research science scientific academy university factory plant works
concern agency office department authority army military defence defense forces force navy naval air bureau committee
council organisation organization union branch industries industrial industry services service technologies technology
systems system engineering electronics electronic import export imports exports group holding holdings import
company corporation limited trust solutions products equipment supply supplies machinery chemical chemicals
aviation aerospace marine maritime transport trans auto motors power steel metal metals mining resources
airlines airline port europe asia africa america eurasia ltd firm house office union ministry directorate main central public people peoples
joint stock open closed private
""".split()  # noqa: SIM905 (a word list reads better as text)
# Countries named in organisations' names as a branch or seat ("Deutsche Bank (Schweiz) AG"): generic like the
# words above. A listed branch's seat missing from the query ("Rosoboronexport" against a listed "Rosoboronexport
# Kazakhstan") costs half: the parent's name is reason enough to look.
_COUNTRY_WORDS = """
russia rossiya rossiia russian iran iranian china chinese syria syrian korea korean belarus ukraine kazakhstan turkey uae emirates
germany deutschland schweiz switzerland suisse france netherlands nederland britain uk usa india pakistan iraq
lebanon israel egypt japan hong kong singapore malaysia armenia azerbaijan uzbekistan kyrgyzstan cyprus
"""

ABJAD = re.compile(r"[\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
ARABIC_ARTICLE = re.compile(r"(?<![\u0600-\u06FF])\u0627\u0644(?=[\u0600-\u06FF]{2,})")
# Greek writes /u/ as two letters; letter by letter it comes out as "oy" ("Παπαδόπουλος" -> "Papadopoylos").
GREEK_OU = re.compile(r"[οΟ][υΥ\u03cd\u038e]")
APOSTROPHES = re.compile(r"['`\u2019\u02bc\u02bb]")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][A-Za-z])")  # "SiemensAG", "SergeiLavrov"; not "AkG" (one letter is no word)
NOT_ALNUM = re.compile(r"[^a-z0-9]+")
LATIN = re.compile(r"[A-Za-z]")
VOWELS = re.compile(r"[aeiou]")
DOUBLES = re.compile(r"(.)\1+")
PATRONYMIC = re.compile(r"(ovik|evik|ovna|evna|ikna|ogli|oglu|kisi|ovik|ivna|ovits|evits)$")  # after folding: -ovich -> -ovik

# Applied in order to each word: romanisations of one sound become one spelling.
FOLDINGS = (
    ("tsch", "ch"), ("sch", "sh"), ("tch", "ch"), ("ck", "k"), ("ph", "f"), ("gh", "g"), ("th", "t"), ("dj", "j"),
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("x", "ks"), ("q", "k"), ("c", "k"),
    ("kh", "k"),  # after c -> k, so that "ch", "kh" and "k" meet ("Michael", "Mikhail")
    ("w", "v"), ("y", "i"), ("j", "i"), ("z", "s"),
)


@dataclass(frozen=True)
class NameKey:
    """A name folded for comparison. `key` keeps vowels; `skeleton` does not (for abjad-script names); `forms`
    are the canonical legal forms the name carried (not part of the key)."""

    key: str
    skeleton: str
    abjad: bool
    tokens: tuple[str, ...] = field(default=())
    forms: tuple[str, ...] = field(default=())
    # The name as written, for what the key cannot tell: how each word was spelled before the phonetic folding
    # (`spellings`). Keys made from stored columns carry the stored name; not part of the comparison.
    name: str = field(default="", compare=False, repr=False)
    written: tuple[str, ...] = field(default=(), compare=False, repr=False)  # `tokens` before the phonetic folding

    @property
    def spellings(self) -> dict[str, frozenset[str]]:
        """Each folded word with the words it was folded from (see `spellings`)."""
        if self.written and len(self.written) == len(self.tokens):
            return _spelled(self.tokens, self.written)
        return spellings(self.name) if self.name else {}

    @property
    def compact(self) -> str:
        return self.key.replace(" ", "")

    @property
    def words(self) -> tuple[str, ...]:
        return self.tokens or tuple(self.key.split())

    def __bool__(self) -> bool:
        return bool(self.key)


SOFT_C = re.compile(r"c(?=[eiy])|ts|tz")  # "Concern"/"Kontsern", "Francesco": c before e/i/y and ts/tz sound /s/ or /ts/


def _fold_word(word: str) -> str:
    if word.isdigit():
        return word
    if word[0] == "x" and len(word) > 1 and word[1] in "aeiouy":
        # A word-initial x before a vowel is a hissing sound, never "ks": pinyin ("Xi", "Xiao" = "Shi", "Shiao"),
        # Portuguese, Catalan, Basque, Maltese ("Xavier", "Xuereb").
        word = "sh" + word[1:]
    word = SOFT_C.sub("s", word)
    for old, new in FOLDINGS:
        word = word.replace(old, new)
    return DOUBLES.sub(r"\1", word)


def _skeleton_word(word: str) -> str:
    if word.isdigit():
        return word
    stripped = VOWELS.sub("", word)
    return DOUBLES.sub(r"\1", stripped) or word


def _visible(text: str) -> str:
    """NFKC, without format characters (zero-width, soft hyphen, bidi) and control characters."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc") or ch in "\t\n")


def _unconfuse(text: str) -> str:
    """Look-alike letters of other scripts as the Latin letters they imitate, in Latin words and in words made
    only of look-alikes when the name has Latin words; words wholly in another script are left to transliterate."""
    words = text.split(" ")
    has_latin = any(LATIN.search(w) for w in words)
    if not has_latin and not any(ch in CONFUSABLES for ch in text):
        return text
    out = []
    for w in words:
        letters = [ch for ch in w if ch.isalpha()]
        if LATIN.search(w) or (has_latin and letters and all(ch in CONFUSABLES or ch.isascii() for ch in letters)):
            w = w.translate(_CONFUSABLE_TABLE)
        out.append(w)
    return " ".join(out)


def _words(text: str) -> list[str]:
    """The lower-case ASCII words of a name, with dotted and hyphen-spelled letters resolved."""
    out: list[str] = []
    for chunk in text.split():
        # "A.Q." are initials, "B.V." a legal form, "R-o-s-o-b-o-r-o-n" one word spelled out.
        parts = [p for p in re.split(r"[.\-·_/]+", chunk) if p]
        if len(parts) > 1 and all(len(p) == 1 and p.isalpha() for p in parts):
            joined = "".join(parts)
            if len(parts) >= 3 or (joined,) in LEGAL_FORMS:
                out.append(joined)
            else:
                out.extend(parts)
            continue
        chunk = APOSTROPHES.sub("", chunk).replace(".", "")
        out.extend(w for w in NOT_ALNUM.split(chunk) if w)
    # Letters one by one between spaces ("R o s o b o r o n"): four or more single letters are one word.
    joined_out: list[str] = []
    run: list[str] = []
    for w in out + [""]:
        if len(w) == 1 and w.isalpha():
            run.append(w)
            continue
        joined_out.extend(["".join(run)] if len(run) >= 4 else run)
        run = []
        if w:
            joined_out.append(w)
    return joined_out


def _number_words(words: list[str]) -> list[str]:
    """Numbers written in English words as numbers ("Brigade Forty-Four", "Brigade Forty 4" -> "brigade 44")."""
    out: list[str] = []
    tens = False  # the last word was "forty", "sixty"...: a digit or a unit word after it adds to it
    for w in words:
        value = TENS.get(w, NUMBER_WORDS.get(w, int(w) if w.isdigit() and len(w) == 1 else None))
        if tens and value is not None and 0 < value < 10:
            out[-1] = str(int(out[-1]) + value)
            tens = False
            continue
        tens = w in TENS
        out.append(str(value) if w in TENS or w in NUMBER_WORDS else w)
    return out


def _numbers_and_digits(words: list[str]) -> list[str]:
    out = []
    for i, w in enumerate(_number_words(words)):
        ordinal = ORDINAL.match(w)
        if ordinal:
            w = ordinal.group(1)
        elif w in ORDINAL_WORDS:
            w = ORDINAL_WORDS[w]
        elif i > 0 and w in ROMAN:
            w = ROMAN[w]
        elif not w.isdigit() and any(ch.isdigit() for ch in w):
            digits = sum(ch.isdigit() for ch in w)
            if digits * 2 <= len(w):  # mostly letters: digits stand for letters ("r0s0b0r0n", "sech1n")
                w = w.translate(DIGIT_LETTERS)
        out.append(w)
    return out


def _legal_forms(words: list[str]) -> tuple[list[str], list[str]]:
    """(the words without legal forms, the canonical forms found)."""
    out, forms, i = [], [], 0
    while i < len(words):
        for size in range(min(MAX_FORM_WORDS, len(words) - i), 0, -1):
            form = LEGAL_FORMS.get(tuple(words[i : i + size]))
            if form:
                forms.append(form)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out, forms


@functools.lru_cache(maxsize=8192)  # a screened party's name is folded twice: to match it and for the false-positive memory
def name_key(text: str) -> NameKey:
    """The comparable form of a name. Empty for a name with nothing but punctuation."""
    meaningful, forms, abjad = _meaningful(text)
    folded = [(t, w) for t, w in ((_fold_word(w), w) for w in meaningful) if t]
    tokens = tuple(t for t, _ in folded)
    key = " ".join(tokens)
    skeleton = " ".join(_skeleton_word(t) for t in tokens)
    return NameKey(
        key=key, skeleton=skeleton, abjad=abjad, tokens=tokens, forms=tuple(dict.fromkeys(forms)), name=text, written=tuple(w for _, w in folded)
    )


@functools.lru_cache(maxsize=8192)
def spellings(text: str) -> dict[str, frozenset[str]]:
    """Each folded word of a name with the words it was folded from, as written (transliterated, lower case, digits
    read): "Sechin" -> {"sekin": {"sechin"}}. What a typing slip is, is judged on these, not on the folded words."""
    written = [w for w in _meaningful(text)[0] if _fold_word(w)]
    return _spelled(tuple(_fold_word(w) for w in written), tuple(written))


@functools.lru_cache(maxsize=8192)
def _spelled(tokens: tuple[str, ...], written: tuple[str, ...]) -> dict[str, frozenset[str]]:
    spelled: dict[str, set[str]] = {}
    for token, word in zip(tokens, written, strict=True):
        spelled.setdefault(token, set()).add(word)
    return {k: frozenset(v) for k, v in spelled.items()}


def _meaningful(text: str) -> tuple[list[str], list[str], bool]:
    """(the words that name the party, before the phonetic folding; the canonical legal forms; abjad script)."""
    text = _visible(text)
    abjad = bool(ABJAD.search(text))
    if abjad:
        text = ARABIC_ARTICLE.sub("", text)
    text = GREEK_OU.sub("ou", text)
    text = _unconfuse(" ".join(text.split()))
    text = " ".join(w if (w.lower(),) in LEGAL_FORMS else CAMEL.sub(" ", w) for w in text.split())  # "SiemensAG", not "GmbH"
    words = _numbers_and_digits(_words(anyascii(text).lower()))
    # "Ben" first is a given name ("Ben Netanyahu"), unless the name has the particle elsewhere too ("BEN MOHAMED BEN
    # MOHAMED KAMMOUN, MEHDI", a surname first); between names it is the particle ("Zine El Abidine Ben Ali").
    given_ben = words[:1] == ["ben"] and not {"ben", "bin", "ibn", "bint"} & set(words[1:])
    words = [w if (i == 0 and given_ben) else SAME_WORD.get(w, w) for i, w in enumerate(words)]
    named, forms = _legal_forms(words)
    meaningful = [w for w in named if w not in STOP_WORDS]
    # A name that is nothing but a legal form ("Company Ltd") keeps its words rather than becoming empty.
    if not meaningful:
        meaningful, forms = [w for w in words if w not in STOP_WORDS] or words, []
    return meaningful, forms, abjad


GENERIC = frozenset(_fold_word(w) for w in [*_GENERIC, *_COUNTRY_WORDS.split()])


# --- Scoring --------------------------------------------------------------------------------------------------
Weight = Callable[[str], float]


def weight(token: str) -> float:
    """How much a word says about which party is meant, without knowing the lists: generic words little."""
    return GENERIC_WEIGHT if token in GENERIC else 1.0


def idf_weights(document_frequency: dict[str, int], names: int) -> Weight:
    """A weight from the lists' own word frequencies (inverse document frequency): a word in 1 of 1,000 names or
    rarer weighs 1, a word in one name of ten about a third; never more than `weight` says."""
    if names < 1000:
        return weight
    scale = math.log(1000)

    # Asked for every word of both names of every pair scored (five times a pair): remembered per word while these
    # frequencies stand (a re-screen's index, a cache fill), within a bound for the query's words.
    @functools.lru_cache(maxsize=1 << 16)
    def lists_weight(token: str) -> float:
        df = document_frequency.get(token, 0)
        idf = math.log(names / max(1, df)) / scale
        return min(weight(token), max(0.1, min(1.0, idf)))

    return lists_weight


INITIAL = 0.9  # "S." for "Sergey": right, but says less than the word
SUBSTITUTE_FLOOR = 0.5  # words less alike than this are not aligned at all
PARTIAL_PENALTY = 1.5  # how fast a word's credit falls below 0.9 similarity: one letter in five wrong is a different word
# Letters that stand for near sounds (after folding): swapping one for the other is half an edit, as is adding or
# dropping a vowel or an h ("Putin"/"Pudin", "Merkel"/"Merkul"); "Semin" is not "Sechin" (m for k: a full edit).
NEAR = frozenset({frozenset(p) for p in ("bp", "dt", "gk", "fv", "lr", "mn", "hk", "ae", "ai", "ao", "au", "ei", "eo", "eu", "io", "iu", "ou")})
SOFT = frozenset("aeiouh")
SOFT_SKELETON = frozenset("aeiouhv")


def _skeleton_edits_allowed(length: int) -> float:
    return 0.0 if length <= 2 else 0.5 if length <= 3 else 1.0 if length <= 6 else 1.5


def _edits_allowed(length: int) -> float:
    """Edits a word of this length may carry and still be the same word (the shorter word's length)."""
    if length <= 3:
        return 0.0
    if length <= 5:
        return 0.5
    if length <= 8:
        return 1.0
    return 1.5 if length <= 11 else 2.0


@functools.lru_cache(maxsize=65536)
def _word_similarity(a: str, b: str, strict: bool) -> float:
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0  # numbers meet only equal numbers ("Fund 8" is not "Fund 9")
    if strict and min(len(a), len(b)) <= 2:
        return 0.0  # one or two consonants of a skeleton are no initial, and match only exactly ("mmd tr", "r k")
    if len(a) == 1 or len(b) == 1:
        return INITIAL if a[0] == b[0] else 0.0
    # Consonant skeletons (abjad-script names) are shorter for the same name, and their w/v is often a vowel.
    allowed = _skeleton_edits_allowed(min(len(a), len(b))) if strict else _edits_allowed(max(len(a), len(b)))
    soft = SOFT_SKELETON if strict else SOFT
    if allowed and Levenshtein.distance(a, b, score_cutoff=int(allowed * 2) + 1) <= allowed * 2:
        cost = 0.0
        for op, i, j in Levenshtein.editops(a, b):
            if op == "replace":
                cost += 0.5 if frozenset((a[i], b[j])) in NEAR else 1.0
            else:
                cost += 0.5 if (a[i] if op == "delete" else b[j]) in soft else 1.0
        if cost <= allowed:
            return 1.0 - 0.06 * cost
    if allowed and OSA.distance(a, b, score_cutoff=1) == 1 and Levenshtein.distance(a, b) == 2:
        return 1.0 - 0.06 * 0.5  # two neighbouring letters swapped: a typing slip ("Marcon", "Schloz")
    ratio = fuzz.ratio(a, b) / 100
    return max(0.0, min(0.89, ratio - (0.9 - ratio) * PARTIAL_PENALTY))


def _short_form(a: str, b: str) -> bool:
    """One word the other's beginning, three letters at least and two fewer ("Alex" / "Alexander")."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and len(long) - len(short) >= 2 and long.startswith(short)


def _in_order_weight(pairs: list[tuple[int, int, float]]) -> float:
    """The weight of the aligned words that keep their order (heaviest increasing run by candidate position)."""
    pairs = sorted(pairs)
    best = [0.0] * len(pairs)
    for i, (_, cj, w) in enumerate(pairs):
        best[i] = w + max((best[k] for k in range(i) if pairs[k][1] < cj), default=0.0)
    return max(best, default=0.0)


PERSON_MIDDLE_COST = 0.2  # a middle name or patronymic on one side only
PERSON_OUTER_COST = 0.35
PERSON_EXTRA_COST = 0.15  # a word added to the whole of a listed person's name  # a given name or surname on one side only
GENERIC_MISSING_COST = 0.5  # share of its weight a generic word of the listed organisation costs when the query lacks it
ORG_EXTRA_COST = 0.1  # words added to the listed name ("... Kazakhstan branch", "... General Trading")
# Share of the out-of-order words' weight an organisation loses. Order alone is weak evidence: "Melli Bank" is
# "Bank Melli", and lists write names in either order. A reordering that comes with other differences (a word
# changed, a word on one side only: "Pine Green Associates" / "Green Pine Associated Corporation") is a different
# name arranged from similar words, and costs much more.
ORG_ORDER_COST = 0.45
ORG_REORDER_COST = 0.05  # the same words, each spelled the same, in another order


SLIP_MIN = 8  # letters a name needs before a space moved within it is read as a slip
SLIP_SCORE = 0.94


def name_similarity(query: NameKey, candidate: NameKey, *, person: bool = False, weigh: Weight | None = None) -> float:
    """How alike two folded names are, 0..1, `query` being the screened name and `candidate` the listed one."""
    if not query or not candidate:
        return 0.0
    weigh = weigh or weight
    abjad = query.abjad or candidate.abjad
    if abjad:
        qa, ca = tuple(query.skeleton.split()), tuple(candidate.skeleton.split())
        discount = 0.97  # consonants alone say less than a full spelling
    else:
        qa, ca = query.words, candidate.words
        discount = 1.0
    query_keys, candidate_keys = query.words, candidate.words
    if not abjad:
        # A space inside a word on either side ("Patr ushev", "Mohammad Hasni" / "Mohammadhasni").
        qa, ca = _joined(qa, ca), _joined(ca, qa)
        query_keys, candidate_keys = qa, ca
        if person:
            # Two initials written as one word ("JC" for "Jean-Claude").
            qa, ca = _initials(qa, ca), _initials(ca, qa)
            query_keys, candidate_keys = qa, ca
        else:
            # An organisation's acronym on either side ("PLA" / "People's Liberation Army").
            ca, spelled_c = _acronym(qa, ca)
            qa, spelled_q = _acronym(ca, qa)
            if spelled_c or spelled_q:
                discount = ACRONYM
                query_keys, candidate_keys = qa, ca
    qc, cc = "".join(qa), "".join(ca)
    if min(len(qc), len(cc)) < 4 and discount != ACRONYM:
        # Very short names ("ABC") match only exactly: one letter is a third of them.
        return discount if qc == cc else 0.0
    score = _aligned(
        qa, ca, person=person, abjad=abjad, weigh=weigh, query_keys=query_keys, candidate_keys=candidate_keys, keys=(query, candidate)
    )
    if len(qa) != len(ca) and (len(qa) == 1 or len(ca) == 1) and qc.isalpha() and cc.isalpha():
        # One side written as one word ("Rosoboron Export" / "Rosoboronexport", "SergeiLavrov"); never a number
        # joined to a word ("Management Company 23" is not "Management Company").
        compact = fuzz.ratio(qc, cc) / 100
        if compact >= 0.9:
            score = max(score, compact)
    if len(qa) != len(ca) and min(len(qc), len(cc)) >= SLIP_MIN and qc.isalpha() and cc.isalpha() and OSA.distance(qc, cc, score_cutoff=1) <= 1:
        # A space slipped, with at most one letter ("Peb iSatir" for "Pebi Satir", "Sufu Viz iB.V."): the same
        # letters in the same order, split into words differently. Numbers are never joined this way.
        score = max(score, SLIP_SCORE)
    return round(min(1.0, score) * discount, 4)


ACRONYM = 0.92  # an acronym says less than the words it stands for
ACRONYM_LETTERS = (3, 6)


def _joined(side: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """`side` with two neighbouring words joined where together they are a word of `other` and apart neither is
    (letters only: "Fund 1 2" is not "Fund 12")."""
    if len(side) < 2:
        return side
    others = set(other)
    out: list[str] = []
    i = 0
    while i < len(side):
        pair = side[i : i + 2]
        if len(pair) == 2 and "".join(pair) in others and not others & set(pair) and "".join(pair).isalpha():  # never numbers
            out.append(side[i] + side[i + 1])
            i += 2
        else:
            out.append(side[i])
            i += 1
    return tuple(out)


def _acronym(short: tuple[str, ...], side: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """`side` with a run of its words replaced by the acronym of `short` that spells their initials (three to six
    letters, as many words; a word of `short` that is not itself a word of `side`); whether one was found."""
    for word in short:
        if not (ACRONYM_LETTERS[0] <= len(word) <= ACRONYM_LETTERS[1]) or not word.isalpha() or word in side:
            continue
        size = len(word)
        for start in range(len(side) - size + 1):
            run = side[start : start + size]
            if "".join(w[0] for w in run) == word and all(len(w) > 1 for w in run):
                return (*side[:start], word, *side[start + size :]), True
    return side, False


def _initials(side: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """`side` with a two-letter word split into two initials where it is not a word of `other` but the initials of
    two neighbouring words there, and every other word of `side` is a word of `other` ("JC Juncker" / "Jean-Claude
    Juncker"; not "Ri Jae Il" / "Rita Johnsen"); the initials then meet those words."""
    if len(other) < 2 or not any(len(w) == 2 for w in side) or sum(w not in other for w in side) != 1:
        return side
    starts = {other[k][0] + other[k + 1][0] for k in range(len(other) - 1) if len(other[k]) > 1 and len(other[k + 1]) > 1}
    out: list[str] = []
    for w in side:
        if len(w) == 2 and w.isalpha() and w in starts and w not in other:
            out.extend(w)
        else:
            out.append(w)
    return tuple(out)


def _crosses_bin(qa, ca, pairs) -> set[tuple[int, int]]:
    """The aligned word pairs that stand on different sides of "bin" ("son of") in two persons' names: in "Salman
    bin Muhammad" and "Muhammad bin Salman" the same words name a son and his father the other way round. Only
    when "bin" stands between names in both ("Bin Laden, Usama" is a surname first, "Salman Mohammed bin" jumbled)."""
    if "bin" not in qa or "bin" not in ca:
        return set()
    qb, cb = qa.index("bin"), ca.index("bin")
    if qb in (0, len(qa) - 1) or cb in (0, len(ca) - 1):
        return set()
    aligned = {(i, j) for i, j, *_ in pairs}
    if (qb - 1, cb + 1) not in aligned and (qb + 1, cb - 1) not in aligned:
        return set()  # the names next to "bin" are not swapped: a surname moved from the end ("BIN LADEN, HAMZA")
    return {(i, j) for i, j in aligned if i != qb and j != cb and (i < qb) != (j < cb)}


TYPO = 0.85  # a word one slip from its counterpart as written (see `_typo`): earns TYPO squared, about three quarters
TYPO_MIN = 4  # letters both spellings need: in a shorter word one letter is a third of it ("Tom" / "Tim")


def _typo(a: str, b: str, keys: tuple[NameKey, NameKey]) -> bool:
    """Whether folded words `a` and `b` were written one slip apart (one letter changed, added, dropped, or two
    neighbours swapped: "Pulin" / "Putin", "Cock" / "Cook"), judged on the words as written, four letters at least
    each. On the folded words "Semin" and "Sechin" ("semin" / "sekin") are one letter apart; as written they are
    two. Numbers are never a slip ("Fund VIII" / "Fund IX")."""
    if abs(len(a) - len(b)) > 2 or not (a.isalpha() and b.isalpha()) or Levenshtein.distance(a, b, score_cutoff=2) > 2:
        return False
    spelled_a = keys[0].spellings.get(a, ())
    spelled_b = keys[1].spellings.get(b, ()) if spelled_a else ()
    return any(
        min(len(x), len(y)) >= TYPO_MIN and x.isalpha() and y.isalpha() and OSA.distance(x, y, score_cutoff=1) == 1 for x in spelled_a for y in spelled_b
    )


def _aligned(qa, ca, *, person: bool, abjad: bool, weigh: Weight, query_keys, candidate_keys, keys: tuple[NameKey, NameKey] | None = None) -> float:
    # Weights from the full spelling even when comparing skeletons: the lists' frequencies are of the keys.
    qw = [weigh(t) for t in query_keys] if len(qa) == len(query_keys) else [1.0] * len(qa)
    cw = [weigh(t) for t in candidate_keys] if len(ca) == len(candidate_keys) else [1.0] * len(ca)
    options = []
    for i, a in enumerate(qa):
        for j, b in enumerate(ca):
            s = _word_similarity(a, b, abjad)
            if person and not abjad and i == 0 and j == 0 and s < INITIAL and _short_form(a, b):
                s = INITIAL  # a given name shortened ("Alex" for "Alexander", "Vlad" for "Vladimir")
            if keys and not abjad and s < TYPO and _typo(a, b, keys):
                s = TYPO
            if s >= SUBSTITUTE_FLOOR or (s > 0 and (len(a) == 1 or len(b) == 1)):
                options.append((s, -abs(i - j), i, j))
    options.sort(reverse=True)
    used_q, used_c, pairs = set(), set(), []
    for s, _, i, j in options:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        # An initial weighs what the word it stands for weighs.
        w = max(qw[i], cw[j]) if len(qa[i]) > 1 and len(ca[j]) > 1 else (cw[j] if len(qa[i]) == 1 else qw[i])
        pairs.append((i, j, s, w))
    if person and not abjad:
        crossed = _crosses_bin(qa, ca, pairs)
        if crossed:
            # A father's name aligned with a son's earns nothing.
            pairs = [(i, j, 0.0 if (i, j) in crossed else s, w) for i, j, s, w in pairs]
    # A changed word earns its similarity squared: one distinctive word that differs must sink the score
    # ("Igor Ivanovich Semin" is not "Igor Ivanovich Sechin"), a typo must not.
    earned = sum((s if s >= 0.9 else s * s) * w for _, _, s, w in pairs)
    total = sum(w for *_, w in pairs)
    if not pairs:
        return 0.0
    free_q = [i for i in range(len(qa)) if i not in used_q]
    free_c = [j for j in range(len(ca)) if j not in used_c]
    if free_q and free_c:
        # Words on both sides without a partner: different words, not a shorter way of writing the name.
        total += sum(qw[i] for i in free_q) + sum(cw[j] for j in free_c)
    elif person and free_q and len(ca) >= 2:
        # Every word of the listed person's name (two at least) is in the query, which has more: other given
        # names, a patronymic, a tribe or a title.
        total += sum(qw[i] for i in free_q) * PERSON_EXTRA_COST
    elif person:
        missing = 0.0
        for side, free, weights in ((qa, free_q, qw), (ca, free_c, cw)):
            for k in free:
                middle = 0 < k < len(side) - 1 or PATRONYMIC.search(side[k])
                missing += weights[k] * (PERSON_MIDDLE_COST if middle else PERSON_OUTER_COST)
        if free_c and len(pairs) >= 2 and all(s >= 0.9 for _, _, s, _ in pairs):
            # Every word of the query found, two at least, each well spelled: the listed person's other names (a
            # second given name, "bin Muhammad ibn Awad", "de Pfeffel") together cost what one outer name costs.
            missing = min(missing, PERSON_OUTER_COST * max(cw[j] for j in free_c))
        total += missing
    else:
        # The whole listed name is in the query with words added: a branch, a descriptor, a disguise. A word of
        # the listed name missing from the query costs in full ("Royal Navy" is not "Royal Norwegian Navy").
        # A generic word of the listed name ("Europe", "Trading", "Schweiz") missing costs half: "Faberlic" is
        # "Faberlic Europe". A number on one side only costs in full either way ("Management Company 23").
        total += sum(qw[i] * (1.0 if qa[i].isdigit() else ORG_EXTRA_COST) for i in free_q)
        # Only beside a distinctive word that matched: "Rossiya" is not "Bank Rossiya".
        distinctive = any(w >= 0.9 and s >= 0.9 for _, _, s, w in pairs)
        total += sum(cw[j] * (GENERIC_MISSING_COST if distinctive and cw[j] < 1.0 and not ca[j].isdigit() else 1.0) for j in free_c)
    score = earned / total
    if not person and len(pairs) > 1:
        in_order = _in_order_weight([(i, j, w) for i, j, _, w in pairs])
        exact = not free_q and not free_c and all(s == 1.0 for _, _, s, _ in pairs)
        score -= (ORG_REORDER_COST if exact else ORG_ORDER_COST) * (1 - in_order / sum(w for *_, w in pairs))
    return max(0.0, score)


NAMES_MATCH_THRESHOLD = 0.88


def names_match(a: str, b: str, threshold: float = NAMES_MATCH_THRESHOLD) -> bool:
    """Whether two parties' names are the same name for the essentially-identical-denial check, either way round."""
    ka, kb = name_key(a), name_key(b)
    return max(name_similarity(ka, kb), name_similarity(kb, ka)) >= threshold
