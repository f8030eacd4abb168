#!/usr/bin/env bash
# The Dutch catalogue's round trip, run from anywhere: extract every translatable string of the shipped code,
# fill in the Dutch of new or changed ones, compile, and prove it with the catalogue tests.
#   scripts/translations.sh [TRANSLATIONS.txt ...]     (files of lines msgid<TAB>msgstr; none: extract and compile only)
# The files' translations win over what the catalogue has (they come from whoever wrote the strings).
# Strings still without Dutch are listed and nothing is compiled: add them (to a .txt file, or in
# locale/nl/LC_MESSAGES/django.po by hand, removing the "#, fuzzy" flag) and run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# licensing/core/management/commands/makemessages.py leaves tests/, bench/ etc. out.
"$PY" manage.py makemessages -l nl --no-obsolete --settings=config.settings_test
"$PY" scripts/fill_translations.py --override "$@"
"$PY" manage.py compilemessages -l nl --ignore=.venv --settings=config.settings_test
"$PY" -m pytest tests/web/test_i18n.py -q -p no:cacheprovider -k "catalogue or translation"
echo "Commit: git add locale/nl/LC_MESSAGES/django.po locale/nl/LC_MESSAGES/django.mo && git commit -m '...' -- locale/nl/LC_MESSAGES/django.po locale/nl/LC_MESSAGES/django.mo"
