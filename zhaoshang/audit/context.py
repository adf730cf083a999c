"""The request a service runs in, so the trail gets the address without threading
``request`` through every service call. Outside a request (worker, shell) it is empty."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
