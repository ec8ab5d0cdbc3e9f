import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ['articleviewhour', 'trendinglist', 'trendingoverride']


def rename_content_types(apps, schema_editor):
    """Keep the moved models' content types (and so their permissions) under the new app label."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not ContentType.objects.filter(app_label="trending", model=model).exists():
            ContentType.objects.filter(app_label="news", model=model).update(app_label="trending")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not ContentType.objects.filter(app_label="news", model=model).exists():
            ContentType.objects.filter(app_label="trending", model=model).update(app_label="news")


class Migration(migrations.Migration):
    """The models moved here from news (news.0004 renamed their tables): state only."""

    initial = True

    dependencies = [
        ("news", "0004_move_trending_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TrendingList',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scope', models.CharField(help_text='"site" or "section:<id>"', max_length=40, unique=True)),
                        ('computed_at', models.DateTimeField()),
                        ('items', models.JSONField(default=list, help_text='[{article: id, score: float, pinned: bool}, ...] in order')),
                    ],
                ),
                migrations.CreateModel(
                    name='ArticleViewHour',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('article_id', models.BigIntegerField()),
                        ('hour', models.DateTimeField()),
                        ('views', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'indexes': [models.Index(fields=['hour', 'article_id'], name='articleviewhour_hour_article')],
                    },
                ),
                migrations.CreateModel(
                    name='TrendingOverride',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('pin', 'Pin'), ('ban', 'Ban')], max_length=3)),
                        ('position', models.PositiveSmallIntegerField(blank=True, help_text='1 = top', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(20)])),
                        ('expires_at', models.DateTimeField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='trending_overrides', to='news.articlepage')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['action', 'position', '-created_at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
