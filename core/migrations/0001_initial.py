from django.db import migrations, models

from core.migration_operations import move_content_types


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
        move_content_types("home", "core", ["lease", "flushedbatch"]),
    ]
