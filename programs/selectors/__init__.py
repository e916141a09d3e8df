"""Reads reused across pages, reports, services and (later) the partner API."""
