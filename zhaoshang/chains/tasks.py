"""Nightly: enterprises land (target → local) and change classes every day, so each
chain's rule placements are recomputed at night; manual placements and removals stand."""

from celery import shared_task


@shared_task
def recompute_placements():
    from .services import placements_recompute_all

    return placements_recompute_all(actor=None)
