"""Production settings with the demo loader, for `make bench` (which seeds its database with seed_demo)."""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS

INSTALLED_APPS = ["demo", *INSTALLED_APPS]
