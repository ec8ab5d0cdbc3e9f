from wagtail import hooks
from wagtail.snippets.models import register_snippet

from ads.admin_views import AdvertiserAdmin, AdvertisingGroup, CampaignAdmin

campaign_admin = CampaignAdmin()
campaign_admin.register_with_wagtail()
advertiser_admin = AdvertiserAdmin()
advertiser_admin.register_with_wagtail()

register_snippet(AdvertisingGroup)


@hooks.register("register_advertising_menu_item")
def campaigns_menu_item():
    return campaign_admin.get_menu_item()


@hooks.register("register_advertising_menu_item")
def advertisers_menu_item():
    return advertiser_admin.get_menu_item()
