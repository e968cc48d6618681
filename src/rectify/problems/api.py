"""Ledger API: inspections and problems."""

from ninja import Router

router = Router(tags=["ledger"])
