"""Budget lines for tests, set up through the service as finance would."""

from decimal import Decimal

from zhaoshang.org.models import Department, User

from .. import services


def finance_user() -> User:
    return User.objects.filter(grants__role__code="finance").order_by("pk").first()


def line(unit="区商务局", year=2026, category="publicity", approved="200000.00", actor=None):
    department = unit if isinstance(unit, Department) else Department.objects.get(name=unit)
    return services.line_set(
        actor=actor or finance_user(),
        department=department,
        year=year,
        category=category,
        approved=Decimal(approved),
    )
