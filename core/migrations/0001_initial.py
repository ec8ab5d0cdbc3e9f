from django.db import migrations, models

MOVED_MODELS = ['lease', 'flushedbatch']


def rename_content_types(apps, schema_editor):
    """Keep the moved models' content types (and so their permissions) under the new app label."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not ContentType.objects.filter(app_label="core", model=model).exists():
            ContentType.objects.filter(app_label="home", model=model).update(app_label="core")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not ContentType.objects.filter(app_label="home", model=model).exists():
            ContentType.objects.filter(app_label="core", model=model).update(app_label="home")


class Migration(migrations.Migration):
    """The models moved here from home (home.0005 renamed their tables): state only."""

    initial = True

    dependencies = [
        ("home", "0005_move_settings_and_leases_out"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Lease',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True)),
                        ('holder', models.CharField(blank=True, max_length=64)),
                        ('expires_at', models.DateTimeField()),
                    ],
                ),
                migrations.CreateModel(
                    name='FlushedBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stream', models.CharField(max_length=40)),
                        ('token', models.CharField(max_length=32)),
                        ('hour', models.DateTimeField()),
                        ('entries', models.PositiveIntegerField()),
                        ('flushed_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'constraints': [models.UniqueConstraint(fields=('stream', 'token'), name='unique_flushed_batch')],
                    },
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
