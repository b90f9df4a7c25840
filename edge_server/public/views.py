"""Public tracking pages (placeholder until they land)."""
from flask import Blueprint

public = Blueprint("public", __name__)
