"""The JSON API under /api/v1 (used by the offline PWA) and its OpenAPI document."""
