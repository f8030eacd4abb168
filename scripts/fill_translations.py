"""Fill in the empty or fuzzy Dutch translations of locale/nl/LC_MESSAGES/django.po from tab-separated files.

Usage: fill_translations.py [--override] [FILE.txt ...]   (each line: msgid<TAB>msgstr; \\n, \\t and \\\\ are read
as escapes). Entries that already have a (non-fuzzy) translation are left alone, unless --override: then the
files' translations win (they come from whoever wrote the strings). Prints the msgids still untranslated and
exits 1 if there are any, so scripts/translations.sh stops before compiling an incomplete catalogue.
"""
import ast
import re
import sys
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"
ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}


def unescape(field: str) -> str:
    return re.sub(r"\\([nt\\])", lambda m: ESCAPES[m[1]], field)


def read_tsv(paths) -> dict[str, str]:
    translations = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith("#"):
                msgid, msgstr = line.split("\t", 1)
                if msgid.strip() and msgstr.strip():
                    translations[unescape(msgid)] = unescape(msgstr.rstrip("\r"))
    return translations


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"{escaped}"'
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


def fill(po_text: str, translations: dict[str, str], override: bool = False) -> tuple[str, list[str]]:
    """The catalogue with translations filled in, and the msgids still missing one."""
    blocks, missing = po_text.split("\n\n"), []
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        if any(line.startswith("#~") for line in lines) or not any(line.startswith("msgid ") for line in lines):
            continue
        if any(line.startswith("msgid_plural") for line in lines):
            continue  # plural entries are translated in the .po by hand
        start = next(n for n, line in enumerate(lines) if line.startswith("msgid "))
        at_str = next(n for n, line in enumerate(lines) if line.startswith("msgstr "))
        msgid = "".join(ast.literal_eval(line.split(" ", 1)[1] if n == start else line) for n, line in enumerate(lines[start:at_str], start))
        if not msgid:
            continue  # the header
        msgstr = "".join(ast.literal_eval(line.split(" ", 1)[1] if n == at_str else line) for n, line in enumerate(lines[at_str:], at_str) if line)
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if msgstr and not fuzzy and not (override and translations.get(msgid, msgstr) != msgstr):
            continue
        if msgid not in translations:
            missing.append(msgid)
            continue
        head = []
        for line in lines[:start]:
            if line.startswith("#|"):
                continue  # the previous msgid of a fuzzy match
            if line.startswith("#,"):
                flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
                if not flags:
                    continue
                line = "#, " + ", ".join(flags)
            head.append(line)
        tail = [""] if lines[-1] == "" else []  # the file's final newline
        blocks[i] = "\n".join(head + lines[start:at_str] + ["msgstr " + quote(translations[msgid])] + tail)
    return "\n\n".join(blocks), missing


def main(argv: list[str]) -> int:
    override = "--override" in argv
    translations = read_tsv([a for a in argv if a != "--override"])
    text, missing = fill(CATALOGUE.read_text(encoding="utf-8"), translations, override)
    CATALOGUE.write_text(text, encoding="utf-8")
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
