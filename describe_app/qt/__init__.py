"""The desktop window: Qt widgets that adapt the Qt-free core (``describe_app.core``).

Nothing in the core imports this package (an import-linter contract checks it). Each heavy
resource keeps its own worker thread (model, camera, speech) and reaches the widgets only
through queued Qt signals. Start with :func:`describe_app.qt.app.run_window`.
"""
