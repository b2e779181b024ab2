"""Servers the user set up (OpenAI-compatible): addresses and privacy, profiles, API keys in
the keyring, one streamed exchange, and the failures as sentences.

Never imports :mod:`describe_app.core.describe.local`.
"""
