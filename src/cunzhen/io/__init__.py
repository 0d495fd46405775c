"""Readers and writers: files in, records (dicts) out, and back. Nothing here knows about spinning."""
