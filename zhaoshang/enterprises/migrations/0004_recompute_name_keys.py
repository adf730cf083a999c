"""Name keys and search postings worked out again for the rows already there.

``parsing.normalize_name`` now folds traditional characters, cuts leading places and
legal forms anywhere, and search texts carry each name's core: a row saved before would
neither match its variants nor be found by the similar-name search, whose guarantee
rests on every core's bigrams being posted. Runs in batches of 2,000 rows; at a million
enterprises it takes minutes, once."""

from collections import Counter

from django.db import migrations

BATCH = 2000


def recompute(apps, schema_editor):
    # The current functions, not frozen copies: the point is to store what they give now.
    from zhaoshang.enterprises import search
    from zhaoshang.enterprises.parsing import normalize_name

    Enterprise = apps.get_model("enterprises", "Enterprise")
    FormerName = apps.get_model("enterprises", "FormerName")
    SearchGram = apps.get_model("enterprises", "SearchGram")
    GramFrequency = apps.get_model("enterprises", "GramFrequency")

    # Former names: two of one enterprise may now share a core (華為… and 华为…); one is
    # kept. Each row goes through a key of its own first, so that no row takes a key
    # another still holds (the pair is unique).
    keep, drop = {}, []
    for pk, ent, name in FormerName.objects.order_by("pk").values_list("pk", "enterprise_id", "name"):
        key = normalize_name(name)
        if (ent, key) in keep.values():
            drop.append(pk)
        else:
            keep[pk] = (ent, key)
    FormerName.objects.filter(pk__in=drop).delete()
    for pk in keep:
        FormerName.objects.filter(pk=pk).update(dedupe_key=f"#{pk}")
    for pk, (_, key) in keep.items():
        FormerName.objects.filter(pk=pk).update(dedupe_key=key)

    formers = {}
    for ent, name in FormerName.objects.order_by("pk").values_list("enterprise_id", "name"):
        formers.setdefault(ent, []).append(name)
    SearchGram.objects.all().delete()
    GramFrequency.objects.all().delete()
    last = 0
    while True:
        rows = list(
            Enterprise.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "name", "merged_into_id")[:BATCH]
        )
        if not rows:
            break
        last = rows[-1][0]
        changed, by_gram = [], {}
        for pk, name, merged in rows:
            key = normalize_name(name)
            text = search.search_text_of(name, formers.get(pk, ()), key=key)
            changed.append(Enterprise(pk=pk, dedupe_key=key, search_text=text))
            if merged is None:  # merged records keep no postings (search.reindex)
                for gram in search.grams_of(text):
                    by_gram.setdefault(gram, []).append(pk)
        Enterprise.objects.bulk_update(changed, ["dedupe_key", "search_text"])
        search.insert_postings_by_gram(by_gram)
        search._bump(Counter({gram: len(pks) for gram, pks in by_gram.items()}))


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_searchgram_composite_key")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
