"""Security: accounts and passwords, session tokens, roles and 镇办 scopes, locks, the audit log, ID masking."""
