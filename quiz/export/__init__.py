"""Exports of a deck to other tools' formats (files out; nothing here reads the store)."""
