import django.db.models.deletion
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models

from core.migration_operations import move_content_types


class Migration(migrations.Migration):
    """The models moved here from home (home.0005 renamed their tables): state only."""

    initial = True

    dependencies = [
        ("home", "0005_move_settings_and_leases_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('wagtailcore', '0098_apitoken'),
        ('wagtailimages', '0027_image_description'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SiteSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('site_name', models.CharField(default='Newsroom', max_length=100)),
                        ('tagline', models.CharField(blank=True, max_length=200)),
                        ('facebook_url', models.URLField(blank=True)),
                        ('x_url', models.URLField(blank=True, verbose_name='X URL')),
                        ('instagram_url', models.URLField(blank=True)),
                        ('youtube_url', models.URLField(blank=True, verbose_name='YouTube URL')),
                        ('linkedin_url', models.URLField(blank=True, verbose_name='LinkedIn URL')),
                        ('telegram_url', models.URLField(blank=True)),
                        ('whatsapp_channel_url', models.URLField(blank=True, verbose_name='WhatsApp channel URL')),
                        ('copyright_line', models.CharField(blank=True, help_text='e.g. "© Newsroom Media Ltd."', max_length=200)),
                        ('ads_txt', models.TextField(blank=True, help_text='Served at /ads.txt: one line per authorised seller, as your ad networks give them to you.', verbose_name='ads.txt')),
                        ('default_share_image', models.ForeignKey(blank=True, help_text='Used when a shared page has no image of its own.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image')),
                        ('favicon', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image')),
                        ('logo', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image')),
                        ('site', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, to='wagtailcore.site')),
                    ],
                    options={
                        'verbose_name': 'site settings',
                    },
                ),
                migrations.CreateModel(
                    name='FooterLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('label', models.CharField(blank=True, help_text="Defaults to the page's title.", max_length=60)),
                        ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.WAGTAIL_PAGE_MODEL)),
                        ('settings', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='footer_links', to='site_settings.sitesettings')),
                    ],
                    options={
                        'ordering': ["sort_order"],
                        'abstract': False,
                    },
                ),
            ],
        ),
        move_content_types("home", "site_settings", ["sitesettings", "footerlink"]),
    ]
