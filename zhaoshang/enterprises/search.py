"""The search index: search keys, pinyin initials, and the bigram postings.

Why our own bigrams: substring search must work from two characters, and neither
PostgreSQL's pg_trgm (three characters) nor SQLite's FTS trigram tokenizer can answer a
two-character Chinese query from an index. Postings of two-character grams, with the
rarest gram of a query chosen from GramFrequency, answer any substring of two or more
characters on both databases."""

import math
import re
from collections import Counter
from functools import lru_cache

from django.db import connection
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.mmseg import seg as phrase_cutter
from rapidfuzz import fuzz, process

from .models import Enterprise, FormerName, GramFrequency, SearchGram
from .parsing import fold_text, normalize_name


def search_key(text):
    """NFKC-folded (full-width to half-width), traditional characters made simplified,
    lower case, without spaces: 華為 finds 华为 and the other way round."""
    return fold_text(text)


def initials_of(name):
    """Pinyin initials of the Chinese characters, letters and digits kept: 华为技术有限公司 →
    hwjsyxgs; 重庆 → cq, as pypinyin reads the word, not 重 alone.

    pypinyin cuts the text into the words of its phrase list and reads each word on its
    own; the cut is cheap, the reading is not (0.15 ms a name). Company names repeat their
    words (天津, 科技, 有限公司), so each word's reading is kept: the same result as
    ``lazy_pinyin`` on the whole name, about ten times faster in an import."""
    parts = []
    # re.split with a group: other text at even positions, runs of hanzi at odd ones.
    for i, piece in enumerate(_HANZI_RUN.split(search_key(name))):
        if i % 2:
            parts.extend(_word_initials(word) for word in phrase_cutter.cut(piece))
        elif piece:
            parts.append(piece)
    return re.sub(r"[^0-9a-z]", "", "".join(parts).lower())[:200]


# pypinyin's own hanzi class ("^(?:[…])+$"), as one pattern for whole runs.
_HANZI_RUN = re.compile("(" + RE_HANS.pattern[len("^(?:") : -len(")+$")] + "+)")


@lru_cache(maxsize=200_000)
def _word_initials(word):
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="default"))


def grams_of(search_text):
    out = set()
    for part in search_text.split("|"):
        out.update(part[i : i + 2] for i in range(len(part) - 1))
    return out


def search_text_of(name, former_names=(), *, key=None):
    """Each name as written (folded) and its core (``normalize_name``, passed as ``key``
    when already known for the current name): the core's bigrams must all be posted, so
    that the similar-name search (``similar_candidates``) can rely on them; cutting a
    bracket or a legal form out of the middle makes bigrams the written name lacks."""
    names = [n for n in (name, *former_names) if n]
    cores = [key if key is not None and n is name else normalize_name(n) for n in names]
    return "|".join(dict.fromkeys([*map(search_key, names), *filter(None, cores)]))


def _bump(counter):
    """Add ``counter`` (gram -> delta) to GramFrequency in one statement per batch."""
    if not counter:
        return
    table = GramFrequency._meta.db_table
    items = sorted((g, d) for g, d in counter.items() if d)  # one lock order for all writers
    with connection.cursor() as cursor:
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            values = ",".join(["(%s, %s)"] * len(chunk))
            params = [x for pair in chunk for x in pair]
            cursor.execute(
                f"INSERT INTO {table} (gram, count) VALUES {values} "  # noqa: S608 - table name is ours
                f"ON CONFLICT (gram) DO UPDATE SET count = {table}.count + excluded.count",
                params,
            )


def reindex(enterprise_ids):
    """Rebuild the postings of these enterprises from their current search text."""
    ids = list(enterprise_ids)
    if not ids:
        return
    old = Counter(SearchGram.objects.filter(enterprise_id__in=ids).values_list("gram", flat=True))
    SearchGram.objects.filter(enterprise_id__in=ids).delete()
    new = Counter()
    rows = []
    for pk, text in Enterprise.objects.filter(pk__in=ids, merged_into__isnull=True).values_list(
        "pk", "search_text"
    ):
        grams = grams_of(text)
        new.update(grams)
        rows.extend(SearchGram(gram=g, enterprise_id=pk) for g in grams)
    SearchGram.objects.bulk_create(rows, batch_size=2000)
    delta = Counter(new)
    delta.subtract(old)
    _bump(delta)


def insert_postings_by_gram(by_gram):
    """Bulk-insert the postings of new enterprises, given as {gram: [enterprise ids,
    ascending]}: plain SQL, since a model instance per posting costs more than the rest
    of an import together. On PostgreSQL one COPY in (gram, id) order, the order of the
    index that takes them, written a gram at a time as text: one string join per gram
    instead of Python work per posting (an import of 100,000 names has two million)."""
    table = SearchGram._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (gram, enterprise_id) FROM STDIN") as copy:
                for gram in sorted(by_gram):
                    # COPY's text format: only a backslash needs escaping here (search
                    # keys hold no whitespace).
                    head = gram.replace("\\", "\\\\") + "\t"
                    copy.write(head + ("\n" + head).join(map(str, by_gram[gram])) + "\n")
        else:
            cursor.executemany(
                f"INSERT INTO {table} (gram, enterprise_id) VALUES (%s, %s)",  # noqa: S608
                [(gram, pk) for gram, pks in by_gram.items() for pk in pks],
            )


def rare_grams(key, n=3, *, require_all=True):
    """Up to ``n`` of the query's bigrams that names carry, rarest first. With
    ``require_all``, empty when one of them is in no name (nothing can contain the query);
    without, the ones that exist (a similar name shares most, not all)."""
    grams = sorted(grams_of(key))
    if not grams:
        return []
    table = GramFrequency._meta.db_table
    with connection.cursor() as cursor:
        # Plain SQL: every search asks this first, and the ORM would cost more than the read.
        cursor.execute(
            f"SELECT gram, count FROM {table} WHERE gram IN ({','.join(['%s'] * len(grams))})"  # noqa: S608
            " AND count > 0",
            grams,
        )
        counts = dict(cursor.fetchall())
    if require_all and len(counts) < len(grams):
        return []
    return sorted(counts, key=lambda g: (counts[g], g))[:n]


@lru_cache(maxsize=512)
def breakable_grams(length, threshold):
    """How many distinct bigrams of a core of ``length`` characters another core can
    lack while rapidfuzz's ratio of the two stays at ``threshold`` or above. The ratio is
    100 × (1 − (deletions + insertions) / (length + other length)); deleting a character
    breaks at most two bigrams of the core, inserting one breaks at most one."""
    worst = 0
    for deletions in range(length + 1):
        for insertions in range(2 * length + 2):
            other = length - deletions + insertions
            edits = deletions + insertions
            if other > 0 and 100 * (length + other - edits) >= threshold * (length + other):
                worst = max(worst, 2 * deletions + insertions)
    return worst


def similar_cores(core, threshold):
    """{enterprise id: (score, the core it matched)} of every live enterprise whose core or
    a former name's core has rapidfuzz ratio ``threshold`` or more with ``core``.

    None is missed: a core that close lacks at most ``breakable_grams`` of the query's
    distinct bigrams, so it carries one of any that many plus one; the rarest ones are
    taken (GramFrequency) and all their postings read, no cap, from the (gram,
    enterprise) key, which holds the answer itself (an index-only read). The cores'
    bigrams are all posted (``search_text_of``). The scores are worked out by rapidfuzz
    in one call over the candidates' cores."""
    grams = sorted(grams_of(core))
    if not grams:
        return {}
    table = GramFrequency._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT gram, count FROM {table} WHERE gram IN ({','.join(['%s'] * len(grams))})"  # noqa: S608
            " AND count > 0",
            grams,
        )
        counts = dict(cursor.fetchall())
    take = breakable_grams(len(core), threshold) + 1
    # A bigram no name carries is one of the breakable ones at no cost.
    prefix = [g for g in sorted(grams, key=lambda g: (counts.get(g, 0), g))[:take] if g in counts]
    if not prefix:
        return {}
    marks = ",".join(["%s"] * len(prefix))
    postings = f"SELECT enterprise_id FROM {SearchGram._meta.db_table} WHERE gram IN ({marks})"  # noqa: S608
    ent, former = Enterprise._meta.db_table, FormerName._meta.db_table
    # The ratio of two lengths m and n is at most 2·min(m, n)/(m + n): cores much
    # shorter or longer cannot reach the threshold and are not sent to Python.
    m = len(core)
    lengths = (
        math.ceil(m * threshold / (200 - threshold)),
        math.floor(m * (200 - threshold) / threshold),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, dedupe_key FROM {ent} WHERE merged_into_id IS NULL"  # noqa: S608
            f" AND id IN ({postings}) AND LENGTH(dedupe_key) BETWEEN %s AND %s"
            f" UNION ALL SELECT enterprise_id, dedupe_key FROM {former}"
            f" WHERE enterprise_id IN ({postings}) AND LENGTH(dedupe_key) BETWEEN %s AND %s",
            [*prefix, *lengths, *prefix, *lengths],
        )
        rows = cursor.fetchall()
    found = {}
    for _key, score, i in process.extract(
        core, [k for _, k in rows], scorer=fuzz.ratio, score_cutoff=threshold, limit=None
    ):
        pk, key = rows[i]
        if pk not in found or score > found[pk][0]:
            found[pk] = (int(score), key)
    return found
