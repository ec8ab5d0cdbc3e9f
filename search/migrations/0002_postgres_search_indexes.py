from django.db import migrations

# modelsearch's PostgreSQL backend joins an article to its index entry on
# `entry.object_id = article.page_ptr_id::varchar` and matches
# `entry.title || entry.body`; nothing indexed either expression, so every
# search and suggestion read every article and every index entry. SQLite
# searches its FTS5 table instead and needs neither.
INDEXES = {
    "search_indexentry_title_body_gin": "wagtailsearch_indexentry USING gin ((title || body))",
    "search_articlepage_ptr_text": "news_articlepage (((page_ptr_id)::varchar(50)))",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("news", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
