"""Export-approval screening service."""
