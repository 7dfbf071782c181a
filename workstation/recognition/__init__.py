"""Mutual-recognition rules: validity, eligibility, decisions."""
