"""Home: village, date and time, the scan prompt and the four main choices."""

from kiosk.messages import N_
from kiosk.screens import KioskScreen


class HomeScreen(KioskScreen):
    """Nothing to hold: the tiles lead to the other screens (home.kv)."""

    title = N_("Beranda")
