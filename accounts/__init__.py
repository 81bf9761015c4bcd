"""Branches, users, API tokens and the branch-subtree rule every query obeys."""
