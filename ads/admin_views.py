"""The ad managers' screens: advertisers and campaigns (wagtail-modeladmin), campaign reports, creatives and slots.

Everything sits under one "Advertising" menu that only users with ads
permissions see (Ad managers, superusers).
"""

from django import forms
from django.conf import settings
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.helpers import ButtonHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView

from ads import reports
from ads.models import Advertiser, Campaign, Creative, Slot
from core import csv_export
from core.forms import PlausibleDatesMixin

ADMIN_CSS = ["ads/admin.css"]


def local(moment):
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M")


class FlightFilter(SimpleListFilter):
    title = "flight"
    parameter_name = "flight"

    def lookups(self, request, model_admin):
        return [("now", "In flight now"), ("upcoming", "Upcoming"), ("ended", "Ended")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "now":
            return queryset.filter(starts_at__lte=now, ends_at__gt=now)
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "ended":
            return queryset.filter(ends_at__lte=now)
        return queryset


class AdvertiserFilter(SimpleListFilter):
    # Django's own related-field filter needs django.contrib.admin installed; this one does not.
    title = "advertiser"
    parameter_name = "advertiser"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Advertiser.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(advertiser_id=int(value))
        return queryset


class AdvertiserIndexView(csv_export.SafeSpreadsheetExportMixin, IndexView):
    """Advertisers' contact details come from outside: exported through the project's one CSV writer."""


class AdvertiserAdmin(ModelAdmin):
    model = Advertiser
    index_view_class = AdvertiserIndexView
    menu_label = "Advertisers"
    menu_icon = "group"
    menu_order = 200
    add_to_admin_menu = False
    list_display = ("name", "contact_name", "contact_email", "campaigns_in_flight", "campaign_count")
    search_fields = ("name", "contact_name", "contact_email", "notes")
    list_export = ("name", "contact_name", "contact_email", "contact_phone", "website")
    index_view_extra_css = ADMIN_CSS

    def get_queryset(self, request):
        from django.db.models import Count, Q

        now = timezone.now()
        return (
            super()
            .get_queryset(request)
            .annotate(
                total_campaigns=Count("campaigns", distinct=True),
                live_campaigns=Count(
                    "campaigns",
                    filter=Q(
                        campaigns__status=Campaign.ACTIVE, campaigns__starts_at__lte=now, campaigns__ends_at__gt=now
                    ),
                    distinct=True,
                ),
            )
        )

    def campaign_count(self, obj):
        return obj.total_campaigns

    campaign_count.short_description = "Campaigns"

    def campaigns_in_flight(self, obj):
        return obj.live_campaigns

    campaigns_in_flight.short_description = "In flight"


class CampaignButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        buttons.insert(
            0,
            {
                "url": self.url_helper.get_action_url("report", obj.pk),
                "label": "Report",
                "classname": self.finalise_classname(["button-secondary", *(classnames_add or [])], classnames_exclude),
                "title": f"Impressions, clicks and CTR of {obj}",
            },
        )
        return buttons


class CampaignAdmin(ModelAdmin):
    model = Campaign
    menu_label = "Campaigns"
    menu_icon = "date"
    menu_order = 100
    add_to_admin_menu = False
    button_helper_class = CampaignButtonHelper
    # Seven columns, each as wide as its content needs, so the list reads at 1024 px beside its filters:
    # what needs attention sits under the campaign's name, the weight beside its priority.
    list_display = ("campaign", "advertiser", "flight", "status", "priority_and_weight", "delivery", "clicks")
    list_filter = (FlightFilter, "status", "priority", "targeting", "device", AdvertiserFilter)
    search_fields = ("name", "advertiser__name", "notes")
    list_select_related = ("advertiser",)
    ordering = ("-starts_at", "name")
    index_view_extra_css = ADMIN_CSS
    form_view_extra_css = ADMIN_CSS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**reports.delivered_subqueries())

    def campaign(self, obj):
        note = reports.attention(obj, obj.delivered_impressions)
        if note:
            return format_html('{}<span class="ads-alert">{}</span>', obj.name, note)
        return obj.name

    campaign.short_description = "Name"
    campaign.admin_order_field = "name"

    def flight(self, obj):
        # Dates on the list, the times on hover; each date kept on one line.
        return format_html(
            '<span class="ads-nowrap" title="{} – {}">{} –</span> <span class="ads-nowrap">{}</span>',
            local(obj.starts_at),
            local(obj.ends_at),
            timezone.localtime(obj.starts_at).strftime("%-d %b %Y"),
            timezone.localtime(obj.ends_at).strftime("%-d %b %Y"),
        )

    def priority_and_weight(self, obj):
        return format_html('{}<span class="ads-meta">weight {}</span>', obj.get_priority_display(), obj.weight)

    priority_and_weight.short_description = "Priority"
    priority_and_weight.admin_order_field = "priority"

    def delivery(self, obj):
        delivered = obj.delivered_impressions or 0
        if obj.impression_goal:
            return f"{delivered:,} / {obj.impression_goal:,} ({delivered / obj.impression_goal:.0%})"
        return f"{delivered:,}"

    delivery.short_description = "Impressions"

    def clicks(self, obj):
        clicks = obj.delivered_clicks or 0
        rate = reports.ctr(clicks, obj.delivered_impressions or 0)
        return f"{clicks:,}" + (f" ({rate:.2f}%)" if rate is not None else "")

    clicks.short_description = "Clicks (CTR)"

    def get_extra_attrs_for_row(self, obj, context):
        if reports.attention(obj, getattr(obj, "delivered_impressions", 0)):
            return {"class": "ads-attention"}
        return {}

    def report_view(self, request, instance_pk):
        return CampaignReportView.as_view(model_admin=self)(request, pk=instance_pk)

    def get_admin_urls_for_registration(self):
        return (
            *super().get_admin_urls_for_registration(),
            re_path(
                self.url_helper.get_action_url_pattern("report"),
                self.report_view,
                name=self.url_helper.get_action_url_name("report"),
            ),
        )


class ReportRangeForm(PlausibleDatesMixin, forms.Form):
    # A date input only accepts (and shows) ISO dates, whatever the admin's locale.
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must not be before the start date.")
            elif (end - start).days > reports.MAX_RANGE_DAYS:
                self.add_error("end", f"Choose at most {reports.MAX_RANGE_DAYS} days.")
        return data


class CampaignReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "ads/admin/campaign_report.html"
    header_icon = "view"
    model_admin = None

    def dispatch(self, request, *args, **kwargs):
        if not self.model_admin.permission_helper.user_can_list(request.user):
            raise PermissionDenied
        # modeladmin's URL pattern lets any word through; only a number can name a campaign.
        if not (str(kwargs["pk"]).isascii() and str(kwargs["pk"]).isdigit()):
            raise Http404("No such campaign.")
        self.campaign = get_object_or_404(Campaign.objects.select_related("advertiser"), pk=kwargs["pk"])
        default_start, default_end = reports.default_range(self.campaign)
        self.form = ReportRangeForm(request.GET if "start" in request.GET else None)
        if self.form.is_bound and self.form.is_valid():
            self.start, self.end = self.form.cleaned_data["start"], self.form.cleaned_data["end"]
        else:
            self.start, self.end = default_start, default_end
            if not self.form.is_bound:
                self.form = ReportRangeForm(initial={"start": self.start, "end": self.end})
        self.report = reports.campaign_report(self.campaign, self.start, self.end)
        if request.GET.get("format") == "csv":
            filename = f"campaign-{self.campaign.pk}-{self.start:%Y%m%d}-{self.end:%Y%m%d}.csv"
            return csv_export.csv_response(reports.report_rows(self.report), filename)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Report: {self.campaign}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "Home"},
            {"url": self.model_admin.url_helper.index_url, "label": "Campaigns"},
            {"url": "", "label": str(self.campaign)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        csv_query = self.request.GET.copy()
        csv_query.update({"start": self.start.isoformat(), "end": self.end.isoformat(), "format": "csv"})
        context.update(
            {
                "campaign": self.campaign,
                "report": self.report,
                "chart": reports.chart(self.report.days),
                "form": self.form,
                "csv_url": f"?{csv_query.urlencode()}",
                "edit_url": self.model_admin.url_helper.get_action_url("edit", self.campaign.pk),
                "attention": reports.attention(self.campaign, self.report.lifetime_impressions),
                "in_flight": self.campaign.is_in_flight(),
                "today": reports.today(),
                "TIME_ZONE": settings.TIME_ZONE,
            }
        )
        return context


class CreativeViewSet(SnippetViewSet):
    model = Creative
    icon = "image"
    menu_label = "Creatives"
    menu_order = 300
    list_display = ["name", "campaign", "kind", "slot_names", "is_active", "preview"]
    list_filter = ["kind", "is_active", "campaign", "slots"]
    search_fields = ["name", "alt_text", "link_url", "campaign__name"]
    search_backend_name = None
    ordering = ["campaign", "name"]

    def get_queryset(self, request):
        return Creative.objects.select_related("campaign__advertiser").prefetch_related("slots")


class SlotViewSet(SnippetViewSet):
    model = Slot
    icon = "placeholder"
    menu_label = "Slots"
    menu_order = 400
    list_display = ["name", "key", "placement", "size", "enabled"]
    search_backend_name = None
    search_fields = ["name", "key"]


class AdvertisingGroup(SnippetViewSetGroup):
    menu_label = "Advertising"
    menu_icon = "pick"
    menu_order = 250
    items = (CreativeViewSet, SlotViewSet)
    # The modeladmin screens (campaigns, advertisers) join this submenu through the same hook.
    submenu_hook = "register_advertising_menu_item"
