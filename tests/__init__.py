"""Tests of backwalk, run against a real Home Assistant (see conftest.py)."""
