"""Rectify: drive, prove and publish the rectification of environmental-inspection findings."""

__version__ = "0.1.0"
