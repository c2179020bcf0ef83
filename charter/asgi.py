"""The ASGI application `charter serve` runs (decision 0009): Django, with the collected static files
served in front of it without a thread (servestatic), so that thousands of open connections cost
no thread each."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
django_application = get_asgi_application()


class Bounded:
    """At most ``limit`` requests at a time per process go into Django, whose views run in a thread
    each; the others wait their turn in the event loop, where waiting costs nothing, rather than as
    threads contending for the interpreter lock and the pool's connections. The live streams
    (``/live/``) are async, hold no thread and are never held back."""

    def __init__(self, app, limit: int) -> None:  # type: ignore[no-untyped-def]
        import asyncio

        self.app = app
        self.slots = asyncio.Semaphore(limit) if limit > 0 else None

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if self.slots is None or scope["type"] != "http" or scope["path"].endswith("/live/"):
            return await self.app(scope, receive, send)
        async with self.slots:
            return await self.app(scope, receive, send)


def _serve(app):  # type: ignore[no-untyped-def]
    from django.conf import settings
    from servestatic import ServeStaticASGI

    bounded = Bounded(app, settings.SERVE_CONCURRENCY)
    return ServeStaticASGI(bounded, root=settings.STATIC_ROOT, prefix=settings.STATIC_URL, max_age=3600)


application = _serve(django_application)
