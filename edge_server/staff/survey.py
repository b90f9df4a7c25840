"""Survey results per service and month in the console."""
from __future__ import annotations

from flask import current_app, render_template, request

from ..inputs import bounded_int
from ..survey import rules
from ..survey.service import monthly_results
from .auth import login_required
from .blueprint import staff


@staff.get("/survey")
@login_required
def survey_results():
    """Answers, average score and what to improve, per service, for a month (?month=YYYY-MM)."""
    today = current_app.extensions["clock"].business_date()
    year, month = today.year, today.month
    text = request.args.get("month", "")
    if len(text) == 7 and text[4] == "-" and bounded_int(text[:4], 1, 9999) and bounded_int(text[5:], 1, 12):
        year, month = int(text[:4]), int(text[5:])
    return render_template("staff/survey.html", results=monthly_results(year, month), month=f"{year:04d}-{month:02d}",
                           scores=rules.SCORES, topics=rules.IMPROVE_TOPICS)
