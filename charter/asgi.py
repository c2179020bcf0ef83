"""The ASGI application `charter serve` runs (decision 0008): Django, with the collected static files
served in front of it without a thread (servestatic), so that thousands of open connections cost
no thread each."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
django_application = get_asgi_application()


def _with_static(app):  # type: ignore[no-untyped-def]
    from django.conf import settings
    from servestatic import ServeStaticASGI

    return ServeStaticASGI(app, root=settings.STATIC_ROOT, prefix=settings.STATIC_URL, max_age=3600)


application = _with_static(django_application)
