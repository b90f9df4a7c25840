"""Beri Nilai Layanan: one large question with five faces, for low scores one optional question on what to
improve, then thanks and home by itself. Anonymous: no session, NIK or ticket goes with the answer."""

from __future__ import annotations

import math
from typing import Any

from kivy.clock import Clock
from kivy.properties import ListProperty, NumericProperty, OptionProperty, StringProperty

from kiosk.messages import N_
from kiosk.screens import KioskScreen

THANKS_SECONDS = 5
ASK_IMPROVE_UP_TO = 3  # scores 1-3 get the second question
# The edge's words, as msgids so the kiosk can say them in English too (edge_server/survey/rules.py).
QUESTION = N_("Bagaimana pelayanan kami hari ini?")
IMPROVE_QUESTION = N_("Apa yang perlu kami perbaiki?")
SCORE_WORDS = (N_("Sangat tidak puas"), N_("Tidak puas"), N_("Biasa saja"), N_("Puas"), N_("Sangat puas"))
TOPIC_WORDS = (N_("Waktu tunggu"), N_("Keramahan petugas"), N_("Kejelasan informasi"), N_("Fasilitas ruang tunggu"),
               N_("Persyaratan yang rumit"))
DEFAULT_SURVEY = {
    "question": QUESTION, "improve_question": IMPROVE_QUESTION,
    "scores": [{"score": i + 1, "label": label} for i, label in enumerate(SCORE_WORDS)],
    "improve": [],
}


class SurveyScreen(KioskScreen):
    title = N_("Beri Nilai Layanan")
    step = OptionProperty("score", options=["score", "improve", "thanks"])
    scores = ListProperty([])
    topics = ListProperty([])
    question = StringProperty(QUESTION)
    improve_question = StringProperty(IMPROVE_QUESTION)
    seconds_left = NumericProperty(0)
    score = 0

    def enter(self, **kwargs: Any) -> None:
        self.step = "score"
        self.score = 0
        self._apply(DEFAULT_SURVEY)
        self.app.controller.load_survey(self._apply, lambda exc: None)  # the built-in words serve meanwhile

    def leave(self) -> None:
        if getattr(self, "_countdown", None) is not None:
            self._countdown.cancel()
            self._countdown = None

    def _apply(self, survey: dict[str, Any]) -> None:
        self.question = survey.get("question") or QUESTION
        self.improve_question = survey.get("improve_question") or IMPROVE_QUESTION
        self.scores = [dict(s) for s in survey.get("scores", [])][:5] or DEFAULT_SURVEY["scores"]
        self.topics = [dict(t) for t in survey.get("improve", [])]

    def on_scores(self, *_: Any) -> None:
        from kiosk.widgets import ScoreButton

        _ = self.app.tr._
        faces = self.ids.faces
        faces.clear_widgets()
        for item in self.scores:
            score = int(item["score"])
            faces.add_widget(ScoreButton(score=score, title=_(item.get("label", "")),
                                                 on_release=lambda _b, s=score: self.choose_score(s)))

    def on_topics(self, *_: Any) -> None:
        from kiosk.widgets import GREY, PURPLE, KButton

        _ = self.app.tr._
        grid = self.ids.topics
        grid.clear_widgets()
        for topic in self.topics:
            grid.add_widget(KButton(title=_(topic.get("label", "")), tint=PURPLE,
                                    on_release=lambda _b, c=topic["code"]: self.send(c)))
        grid.add_widget(KButton(title=_("Lewati"), subtext=_("Kirim tanpa jawaban ini"), tint=GREY,
                                on_release=lambda _b: self.send("")))

    def refresh_language(self) -> None:
        self.on_scores()
        self.on_topics()

    def choose_score(self, score: int) -> None:
        self.score = score
        if score <= ASK_IMPROVE_UP_TO and self.topics:
            self.step = "improve"
        else:
            self.send("")

    def send(self, improve: str) -> None:
        self.app.controller.answer_survey(self.score, improve, self._sent, self.app.show_error)

    def _sent(self, _answer: Any) -> None:
        self.step = "thanks"
        self.app.return_home_in(THANKS_SECONDS)
        self._countdown = Clock.schedule_interval(self._update_seconds, 0.25)
        self._update_seconds()

    def _update_seconds(self, _dt: float = 0) -> None:
        if self.app.return_at is not None:
            self.seconds_left = max(0, math.ceil(self.app.return_at - self.app.now()))
