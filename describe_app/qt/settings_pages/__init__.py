"""The pages of the settings dialog, one module each (camera, description, speech, history
and text, hands-free and guidance, shortcuts); the dialog that holds them is
:mod:`describe_app.qt.settings_dialog`.

Each page builds its labelled fields from one section of the core ``Settings`` and reads
them back into a new section value.
"""
