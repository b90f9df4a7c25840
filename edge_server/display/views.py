"""The TV board (placeholder until the board lands): /display."""
from flask import Blueprint

display = Blueprint("display", __name__, url_prefix="/display")
