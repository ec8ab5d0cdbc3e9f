from .base import *  # noqa: F403
from .base import SECRET_KEY, env_list

DEBUG = True
# A development key only; production refuses to start without SECRET_KEY.
SECRET_KEY = SECRET_KEY or "django-insecure-newsroom-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

try:
    from .local import *  # noqa: F403
except ImportError:
    pass
