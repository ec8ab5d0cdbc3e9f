"""Operations for migrations that move models between apps."""

from django.db import migrations


def move_content_types(old_app, new_app, models):
    """A RunPython that keeps moved models' content types, and so their permissions, under the new app label.

    Models moved with SeparateDatabaseAndState would otherwise get new content
    types after the migration, and groups would lose the permissions they hold.
    """

    def move(from_app, to_app):
        def run(apps, schema_editor):
            ContentType = apps.get_model("contenttypes", "ContentType")
            for model in models:
                if not ContentType.objects.filter(app_label=to_app, model=model).exists():
                    ContentType.objects.filter(app_label=from_app, model=model).update(app_label=to_app)

        return run

    return migrations.RunPython(move(old_app, new_app), move(new_app, old_app))
