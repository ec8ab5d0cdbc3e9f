from .base import *  # noqa: F403
from .base import INSTALLED_APPS, SECRET_KEY, env_list

DEBUG = True
# A development key only; production refuses to start without SECRET_KEY.
SECRET_KEY = SECRET_KEY or "django-insecure-newsroom-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# seed_demo and the demo newsroom: never installed in production.
INSTALLED_APPS = ["demo", *INSTALLED_APPS]

try:
    from .local import *  # noqa: F403
except ImportError:
    pass
