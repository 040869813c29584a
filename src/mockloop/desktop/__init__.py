"""The PySide6 desktop app. Views only: every decision comes from ``mockloop.services``."""
