"""Duplicate control measured on real company names (tests/data/name_pairs.tsv): every
variant of a registered enterprise is offered before a second record is made (recall 1.0
on candidates), and no other enterprise is ever called "名称相同" (precision 1.0 of the
exact-duplicate verdict)."""

from pathlib import Path

from django.db import transaction

from zhaoshang.enterprises import services

PAIRS = Path(__file__).parent / "data" / "name_pairs.tsv"


def load_pairs():
    lines = [ln for ln in PAIRS.read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
    return [tuple(ln.split("\t")) for ln in lines[1:]]


def verdict(registered, new):
    """(offered as a candidate, called 名称相同) for ``new`` against ``registered``, in a
    library holding only ``registered``."""
    with transaction.atomic():
        first = services.enterprise_create(actor=None, data={"name": registered})
        hits = [c for c in services.find_duplicates(new) if c.enterprise.pk == first.pk]
        transaction.set_rollback(True)
    return bool(hits), any(c.reason == "名称相同" for c in hits)


def test_every_variant_is_offered_and_no_other_company_is_called_the_same(db, capsys):
    pairs = load_pairs()
    assert len(pairs) >= 40
    same_offered, same_exact, other_exact, other_offered, misses, wrong = 0, 0, 0, 0, [], []
    for kind, registered, new, what in pairs:
        offered, exact = verdict(registered, new)
        if kind == "same":
            same_offered += offered
            same_exact += exact
            if not offered:
                misses.append(f"{registered} / {new}（{what}）")
        else:
            other_offered += offered
            other_exact += exact
            if exact:
                wrong.append(f"{registered} / {new}（{what}）")
    n_same = sum(1 for p in pairs if p[0] == "same")
    n_other = len(pairs) - n_same
    exact_precision = same_exact / (same_exact + other_exact) if same_exact + other_exact else 1.0
    with capsys.disabled():
        print(
            f"\n名称对 {len(pairs)} 组（同一企业 {n_same}，不同企业 {n_other}）："
            f"候选召回率 {same_offered / n_same:.2f}，"
            f"候选精确率 {same_offered / (same_offered + other_offered):.2f}；"
            f"“名称相同”精确率 {exact_precision:.2f}，召回率 {same_exact / n_same:.2f}"
        )
    assert misses == [], "同一企业的写法未被列为疑似重复：" + "；".join(misses)
    assert wrong == [], "不同企业被判为“名称相同”：" + "；".join(wrong)
