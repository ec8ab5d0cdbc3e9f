from django.db import migrations


class Migration(migrations.Migration):
    """ArticleViewHour, TrendingList and TrendingOverride move to the trending app.

    The tables are renamed, rows and all; the models leave this app's state
    here and enter trending's state in trending's 0001 migration.
    """

    dependencies = [
        ("news", "0003_view_hour_index_hour_first"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("articleviewhour", "trending_articleviewhour"),
                migrations.AlterModelTable("trendinglist", "trending_trendinglist"),
                migrations.AlterModelTable("trendingoverride", "trending_trendingoverride"),
            ],
            state_operations=[
                migrations.DeleteModel("ArticleViewHour"),
                migrations.DeleteModel("TrendingList"),
                migrations.DeleteModel("TrendingOverride"),
            ],
        ),
    ]
