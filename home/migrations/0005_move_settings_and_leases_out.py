from django.db import migrations


class Migration(migrations.Migration):
    """SiteSettings and FooterLink move to site_settings, Lease and FlushedBatch to core.

    The tables are renamed, rows and all; the models leave this app's state
    here and enter their new apps' state in those apps' 0001 migrations.
    """

    dependencies = [
        ("home", "0004_sitesettings_ads_txt_rate_card"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("footerlink", "site_settings_footerlink"),
                migrations.AlterModelTable("sitesettings", "site_settings_sitesettings"),
                migrations.AlterModelTable("lease", "core_lease"),
                migrations.AlterModelTable("flushedbatch", "core_flushedbatch"),
            ],
            state_operations=[
                migrations.DeleteModel("FooterLink"),
                migrations.DeleteModel("SiteSettings"),
                migrations.DeleteModel("Lease"),
                migrations.DeleteModel("FlushedBatch"),
            ],
        ),
    ]
