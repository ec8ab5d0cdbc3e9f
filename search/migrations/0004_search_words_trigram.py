from django.db import migrations, models

# "Did you mean" looks up the closest words of the vocabulary with pg_trgm's
# similarity on PostgreSQL; SQLite needs neither the extension nor the index
# (search/vocabulary.py compares words with difflib there).


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_searchword_word_trgm ON search_searchword USING gin (word gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_searchword_word_trgm")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_popular_search_visitors_and_hidden_terms")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=40, unique=True)),
                ("articles", models.PositiveIntegerField(default=1)),
            ],
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
