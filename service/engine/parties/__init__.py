"""Counterparty screening: party-list rule files, name matching and their effect on a decision."""
