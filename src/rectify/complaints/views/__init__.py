"""Complaints pages (see pages.py and detail.py); base.py is shared with the API."""
