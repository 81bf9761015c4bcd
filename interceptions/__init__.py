"""Fraud interceptions: logging, masking, review, audit trail and CSV import."""
