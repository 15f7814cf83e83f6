"""The organisation's domain: needs, volunteers, matching, the hours ledger.

Everything here takes plain arguments (a session, a URL, a path); nothing
reads settings or the environment.
"""
