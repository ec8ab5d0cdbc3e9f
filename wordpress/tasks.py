import shutil
import tempfile

from celery import shared_task

from wordpress.importer import Importer, ImportError_
from wordpress.models import ImportRun


class _Discard:
    def write(self, text):
        pass

    def flush(self):
        pass


@shared_task(name="wordpress.tasks.run_import", ignore_result=True)
def run_import(run_id):
    """Run an import uploaded on the admin page; its progress line and summary are kept on the ImportRun."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).first()
    if run is None:
        return
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, progress="starting")

    def progress(line):
        ImportRun.objects.filter(pk=run.pk).update(progress=line[:300])

    # A local copy: the upload may live in object storage, and the import reads the file twice.
    # The upload itself is deleted at once: an export holds users' email addresses, private
    # posts and post passwords, and media storage may be public.
    with tempfile.NamedTemporaryFile(suffix=".xml") as local:
        with run.export.open("rb") as upload:
            shutil.copyfileobj(upload, local)
        local.flush()
        run.export.delete(save=False)
        ImportRun.objects.filter(pk=run.pk).update(export="")
        try:
            summary = Importer(
                local.name,
                media_base_url=run.media_base_url or None,
                dry_run=run.dry_run,
                stderr=_Discard(),
                on_progress=progress,
            ).run()
        except (ImportError_, ValueError) as error:
            ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, error=str(error))
            return
        except Exception as error:
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportRun.Status.FAILED, error=f"{type(error).__name__}: {error}"
            )
            raise
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.DONE, summary=summary, progress="done")
