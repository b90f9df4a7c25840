"""The staff blueprint object, shared by the console's modules."""
from flask import Blueprint

staff = Blueprint("staff", __name__, url_prefix="/staff")
