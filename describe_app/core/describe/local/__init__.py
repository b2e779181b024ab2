"""The local model: which models we know, where they live on disk and how they get there,
loading one for fast inference, describing with it, and running it in a child process.

Never imports :mod:`describe_app.core.describe.remote`.
"""
