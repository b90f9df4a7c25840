"""Survei Kepuasan Masyarakat: one smiley answer per finished ticket (or per kiosk visit), no identity."""
from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from ..db import BaseModel
from .queue import Service, Ticket


class SurveyResponse(BaseModel):
    service = ForeignKeyField(Service, null=True)
    ticket = ForeignKeyField(Ticket, null=True, unique=True, on_delete="SET NULL")
    counter_number = IntegerField(null=True)
    score = IntegerField()  # 1 (sangat tidak puas) .. 5 (sangat puas)
    improve = CharField(default="")  # one topic code from survey.rules.IMPROVE_TOPICS, or ""
    source = CharField(default="tablet")  # tablet | kiosk
    at = DateTimeField()
    business_date = DateField(index=True)


SURVEY_MODELS = [SurveyResponse]
