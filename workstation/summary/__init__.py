"""The printed review summary: what it holds (``model``) and its PDF (``pdf``).

``pdf`` is imported by its users (reportlab is heavy; start-up stays fast).
"""
