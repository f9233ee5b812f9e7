"""Maintenance: whole-store backups (Parquet + signed manifest) and restores checked row by row.

Above security on purpose: a backup is signed with the store's key and a restore checks the users
table with the account rules, so this package needs storage and security both.
"""
