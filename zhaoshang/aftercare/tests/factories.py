"""Aftercare test helpers."""


def no_tickets():
    """Start from no tickets at all (a test that counts every ticket of the year). The
    demo's supervision items on tickets go first: a ticket under supervision is kept
    (PROTECT), as it must be outside tests."""
    from zhaoshang.aftercare.models import Ticket
    from zhaoshang.supervision.models import Item

    Item.objects.filter(ticket__isnull=False).delete()
    Ticket.objects.all().delete()
