"""Ingest: read source records (text lines, JSONL), validate them, and store what they hold."""
