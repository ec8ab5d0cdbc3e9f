import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.migration_operations import move_content_types


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
                        'indexes': [models.Index(fields=["hour", "article_id"], name='articleviewhour_hour_article')],
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
                        'ordering': ["action", "position", "-created_at"],
                    },
                ),
            ],
        ),
        move_content_types("news", "trending", ["articleviewhour", "trendinglist", "trendingoverride"]),
    ]
