"""Name comparison for parties: case, accents, punctuation and legal-form words do not count; small typos do."""
import re
import unicodedata

from rapidfuzz import fuzz

LEGAL_FORMS = {
    "ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation", "co", "company", "gmbh", "ag", "bv", "nv",
    "sa", "sas", "sarl", "srl", "spa", "plc", "oy", "ab", "as", "aps", "kg", "ooo", "ao", "oao", "zao", "pjsc", "jsc",
    "llp", "lp", "pte", "pty", "sdn", "bhd", "fze", "fzco", "fzc", "kft", "sro", "sp", "zoo",
}
_NON_WORD = re.compile(r"[^\w\s]")


def name_key(name: str) -> str:
    """'Acme Defence Systems B.V.' -> 'acme defence systems'."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _NON_WORD.sub(lambda m: "" if m.group() == "." else " ", text)  # B.V. -> bv, Acme-Tech -> acme tech
    words = [w for w in text.split() if w not in LEGAL_FORMS]
    return " ".join(words)


def name_similarity(a: str, b: str) -> float:
    """0..1; word order and small typos tolerated."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    return fuzz.token_sort_ratio(ka, kb) / 100.0


def names_match(a: str, b: str, threshold: float = 0.88) -> bool:
    return name_similarity(a, b) >= threshold
