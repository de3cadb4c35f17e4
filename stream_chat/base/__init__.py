"""Machinery shared by the sync and async clients: configuration, wire format, endpoints."""
