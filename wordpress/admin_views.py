"""Settings → Import from WordPress: superusers upload an export; a Celery worker runs the import."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from wordpress.importer import format_summary
from wordpress.models import ImportRun
from wordpress.tasks import run_import

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024


class ImportForm(forms.Form):
    export = forms.FileField(label="WordPress export file", help_text="The .xml file from Tools → Export in WordPress.")
    media_base_url = forms.URLField(
        required=False,
        label="Uploads address",
        help_text="e.g. https://old.example.com/wp-content/uploads — pictures and files are fetched from here.",
    )
    dry_run = forms.BooleanField(required=False, label="Dry run: write nothing, only report what would happen")

    def clean_export(self):
        upload = self.cleaned_data["export"]
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError("Upload the .xml file WordPress's export writes.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 1 GB: use `manage.py import_wordpress` instead.")
        head = upload.read(512).lstrip()
        upload.seek(0)
        if not head.startswith(b"<?xml") and not head.startswith(b"<rss"):
            raise forms.ValidationError("This is not an XML file.")
        return upload


class SuperuserOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportView(SuperuserOnlyMixin, WagtailAdminTemplateMixin, FormView):
    form_class = ImportForm
    template_name = "wordpress/admin/import.html"
    page_title = "Import from WordPress"
    header_icon = "download"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": "Home"},
        {"url": "", "label": "Import from WordPress"},
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = ImportRun.objects.select_related("started_by")[:20]
        return context

    def form_valid(self, form):
        run = ImportRun.objects.create(
            export=form.cleaned_data["export"],
            media_base_url=form.cleaned_data["media_base_url"],
            dry_run=form.cleaned_data["dry_run"],
            started_by=self.request.user,
        )
        transaction.on_commit(lambda: run_import.delay(run.pk))
        return redirect("wordpress_import_run", pk=run.pk)


class ImportRunView(SuperuserOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "wordpress/admin/run.html"
    page_title = "WordPress import"
    header_icon = "download"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "Home"},
            {"url": reverse("wordpress_import"), "label": "Import from WordPress"},
            {"url": "", "label": f"Run {self.kwargs['pk']}"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = get_object_or_404(ImportRun, pk=self.kwargs["pk"])
        context["run"] = run
        context["finished"] = run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED)
        context["summary_text"] = format_summary(run.summary) if run.summary else ""
        return context
