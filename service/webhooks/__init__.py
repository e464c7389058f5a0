"""Webhooks: subscriptions, address safety, signing and delivery of the outbox's events."""
