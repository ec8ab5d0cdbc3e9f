from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from home.accounts import LockoutsView


@hooks.register("register_admin_urls")
def register_lockouts_url():
    return [path("lockouts/", LockoutsView.as_view(), name="newsroom_lockouts")]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_lockouts_menu_item():
    return SuperuserMenuItem("Sign-in lockouts", reverse("newsroom_lockouts"), icon_name="lock", order=900)
