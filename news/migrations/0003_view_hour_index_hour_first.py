from django.db import migrations, models


class Migration(migrations.Migration):
    """ArticleViewHour becomes append-only, indexed on (hour, article_id).

    A flush COPYs a bucket's rows in, instead of upserting them one by one
    against a unique index on (article_id, hour) that scattered them over the
    whole index. Readers already sum the views.
    """

    dependencies = [
        ("news", "0002_trending"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="articleviewhour",
            index=models.Index(fields=["hour", "article_id"], name="articleviewhour_hour_article"),
        ),
        migrations.RemoveConstraint(
            model_name="articleviewhour",
            name="unique_article_view_hour",
        ),
        migrations.RemoveIndex(
            model_name="articleviewhour",
            name="articleviewhour_hour",
        ),
    ]
