"""
Seed 002's tables on reported usage (realisaties) in 2024, transcribed cell by cell: table 4 (dual-use, top 10) and
tables 9-15 (military general licences NL003-NL009). Values as the report prints them (EUR million, Dutch decimal
comma, each cell with its own number of decimals); ML codes as the column "ML code(s)" lists them. Dutch country
names are given as ISO codes ("Israel"/"Israël" IL, "Guam" GU, "Curacao" CW, "Bahrein" BH).

Read by tests/reporting/make_demo_usage.py (which writes fixtures/demo/usage_2024.csv from it) and by
tests/reporting/test_seed_2024_usage.py (which checks what the import of that file reproduces).
"""
from decimal import ROUND_HALF_UP, Decimal

# Table 4 (seed 002 lines 507-548): rank, destination, "Waarde (in miljoenen euro's)" printed without decimals
# ("4.510" is EUR 4.510 million, the dot a thousands separator). South Africa and Norway both print 137; the
# report ranks South Africa ninth.
TABLE_4 = [("KR", "4.510"), ("US", "4.338"), ("TW", "2.304"), ("GB", "1.089"), ("CH", "345"), ("CN", "250"), ("TR", "157"), ("JP", "151"), ("ZA", "137"), ("NO", "137")]

# Tables 9-15, keyed as licensing.reporting.usage.GENERAL_LICENCE_TABLES: (printed total, {country: (printed value,
# ML categories)}). Table 14 of NL008 is by country of origin, the others by destination.
TABLES = {
    "NL003": (  # seed line 2639, table 9
        "43", {"BE": ("0,04", (11,)), "DK": ("1,73", (5, 10, 11, 21, 22)), "DE": ("20,76", (5, 6, 10, 11, 21, 22)), "FI": ("0,033", (22,)), "FR": ("9,40", (5, 21, 22)), "GR": ("1,51", (5, 21, 22)), "HU": ("0,941", (6, 11)), "IT": ("1,1", (5, 21, 22)), "HR": ("0,0065", (10,)), "LU": ("1,47", (6, 11)), "NO": ("0,55", (7,)), "AT": ("2,9", (6, 10)), "PL": ("0,161", (5, 22)), "PT": ("0,07", (5, 10)), "ES": ("0,132", (11, 17, 22)), "GB": ("2,1", (6, 9, 21, 22)), "SE": ("0,117", (6, 11, 21, 22))},
    ),
    "NL004": (  # seed line 2719, table 10
        "31,68", {"BE": ("0,028", (5,)), "DK": ("0,555", (4, 7)), "DE": ("25,146", (5, 6, 11, 15, 22)), "FR": ("1,439", (5, 21, 22)), "PT": ("0,001", (5, 22)), "SE": ("4,5", (6, 13))},
    ),
    "NL005": (  # seed line 2756, table 11
        "8,3", {"DK": ("0,413", (5, 11, 13, 21)), "DE": ("1,02", (5, 6, 11, 13, 15, 21, 22)), "EE": ("0,582", (5, 11)), "FI": ("0,000003", (13,)), "FR": ("4,95", (5, 6, 9, 10, 11, 13, 15, 21, 22)), "HU": ("0,090", (5, 18)), "IE": ("0,000001", (13,)), "IT": ("0,017", (5, 11, 13, 21)), "LT": ("0,0001", (13,)), "NO": ("0,000006", (22,)), "AT": ("0,312", (1, 5, 15)), "PL": ("0,01", (5, 13)), "PT": ("0,022", (1, 21)), "RO": ("0,004", (5, 13)), "ES": ("0,036", (5, 10, 13)), "CZ": ("0,008", (5,)), "GB": ("0,697", (5, 9, 11, 13)), "SE": ("0,146", (5, 6, 15, 21, 22))},
    ),
    "NL006": (  # seed line 2840, table 12
        "46,44", {"BE": ("1,8", (5, 15)), "CA": ("0,086", (17,)), "DK": ("1,913", (5, 6, 10, 11, 16)), "DE": ("21,61", (5, 6, 9, 10, 11, 15, 21, 22)), "FI": ("0,125", (6,)), "FR": ("3,8", (5, 6, 9, 10, 11, 15, 16, 21)), "GR": ("0,938", (5,)), "IT": ("2,8", (5, 11, 15)), "LT": ("0", (11,)), "AT": ("0,00015", (6,)), "PL": ("0,02", (5,)), "PT": ("0,160", (5,)), "SI": ("0,001243", (6,)), "ES": ("1,279", (5, 10, 11, 15)), "CZ": ("0,00741", (6,)), "GB": ("11,48", (5, 6, 9, 11, 15, 17)), "US": ("0,059", (5, 10, 15)), "SE": ("0,322", (5, 6, 11, 15, 16))},
    ),
    "NL007": (  # seed line 2924, table 13
        "26,07", {"BH": ("0,064", (10,)), "BR": ("6,5", (6, 8, 10, 11, 14)), "CL": ("4,77", (5, 9, 13)), "CN": ("0,0071", (11,)), "CO": ("0,286", (10,)), "CW": ("0,028", (9,)), "EC": ("0,091", (7, 10)), "GH": ("0,023", (13,)), "IN": ("0,50", (11,)), "ID": ("0,51", (5,)), "KE": ("0,370", (13,)), "MY": ("4,1", (10, 11)), "UG": ("0,795", (5, 10)), "PK": ("4,97", (10, 11)), "PE": ("0,879", (9, 11, 15)), "QA": ("0,038", (11,)), "SG": ("0,388", (6, 11)), "TW": ("0,037", (11,)), "TH": ("0,012", (10, 11)), "AE": ("0,041", (11,)), "US": ("0,108", (3, 10)), "ZA": ("1,365", (5, 6, 10, 15)), "KR": ("0,09", (5, 11)), "CH": ("0,057", (5,))},
    ),
    "NL008": (  # seed line 3031, table 14 (by origin); Israel: footnote 45, a breach of the licence's terms
        "268,75", {"BE": ("0,376", (1, 4, 10, 11)), "BG": ("0,053", (10, 11)), "CA": ("1,2", (1, 5, 6, 10, 11, 16)), "CW": ("0,704", (17,)), "DK": ("0,092", (5, 11, 13)), "DE": ("152,74", (2, 3, 4, 5, 6, 7, 10, 11, 13)), "EE": ("5,167", (3,)), "FI": ("1,159", (6, 10, 11)), "FR": ("1,318", (8, 10, 11)), "GR": ("0,942", (11, 14)), "HU": ("0,079", (10, 11)), "IE": ("0,771", (3,)), "IL": ("0,028", (5,)), "IT": ("1,4", (5, 8, 10, 11)), "JP": ("12,339", (2, 11, 13)), "HR": ("0,013", (10,)), "LU": ("4,4", (4, 10, 11, 14, 15)), "NO": ("0,669", (4, 9, 10, 11, 16)), "AT": ("1,9", (4, 11)), "PL": ("0,725", (1, 3, 10, 11, 13, 14)), "RO": ("0,007", (1,)), "SG": ("10,289", (2,)), "ES": ("4,277", (10, 11, 17)), "CZ": ("0,211", (13,)), "GB": ("4,781", (4, 6, 10, 11, 13, 14, 17)), "US": ("35,885", (1, 4, 5, 6, 9, 10, 11, 14, 15, 16, 17, 21, 22)), "SE": ("23,3", (4, 10, 11, 14, 21)), "CH": ("3,876", (4, 10))},
    ),
    "NL009": (  # seed line 3156, the second table 14; Israel: footnote 46, before the court's ruling of 12 February 2024
        "278,9", {"AU": ("0,774", (10, 12, 17)), "BE": ("0,045", (10,)), "CA": ("0,761", (10,)), "DK": ("0,760", (5, 10, 11, 17)), "FI": ("0,408", (18,)), "GR": ("0,041", (10,)), "GU": ("0,208", (10,)), "IL": ("0,277", (5, 10, 17)), "IT": ("24,43", (5, 10, 17, 19)), "JP": ("3,41", (5, 10, 17)), "NO": ("1,3", (5, 10, 11, 17)), "PL": ("0,000058", (10,)), "SG": ("0,271", (10,)), "GB": ("8,359", (5, 10, 11, 12, 17)), "US": ("237,399", (4, 5, 10, 11, 14, 15, 17, 19)), "KR": ("0,445", (10,))},
    ),
    "NL009_transit": (  # seed line 3235, table 15; Israel: footnote 47
        "203,87", {"AU": ("0,238", (10,)), "BH": ("0,068", (10,)), "DK": ("0,0052", (10,)), "IL": ("0,067", (10,)), "IT": ("0,023", (10,)), "JP": ("0,084", (10, 18)), "NO": ("23,890", (10, 18)), "GB": ("9,463", (10,)), "US": ("170,014", (10, 18)), "KR": ("0,011", (10,))},
    ),
}
MILLION = Decimal(1_000_000)


def decimals(printed: str) -> int:
    """How many decimals the report prints in this cell ("0,0065" 4, "43" 0; table 4's "4.510" 0)."""
    return len(printed.split(",")[1]) if "," in printed else 0


def printed_value(printed: str) -> Decimal:
    """The printed cell as a number of millions ("0,0065" -> 0.0065, "4.510" -> 4510)."""
    return Decimal(printed.replace(".", "").replace(",", "."))


def as_printed(euro: Decimal, like: str) -> Decimal:
    """A value in euro as the report would print it in a cell like `like` (millions, that many decimals, half up)."""
    return (euro / MILLION).quantize(Decimal(1).scaleb(-decimals(like)), rounding=ROUND_HALF_UP)
