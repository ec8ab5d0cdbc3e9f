import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "export.xml"
UPLOADS = FIXTURES / "uploads"


@pytest.fixture
def run_import(home_page, tmp_path, settings):
    """Run import_wordpress on a fixture; returns (stdout, report dict)."""
    import io
    import json

    settings.MEDIA_ROOT = tmp_path / "media"

    def run(export=EXPORT, *args):
        out, err = io.StringIO(), io.StringIO()
        report = tmp_path / "report.json"
        call_command("import_wordpress", str(export), "--report", str(report), *args, stdout=out, stderr=err)
        return out.getvalue(), json.loads(report.read_text()), err.getvalue()

    return run


@pytest.fixture
def uploads_copy(tmp_path):
    target = tmp_path / "uploads"
    shutil.copytree(UPLOADS, target)
    return target
