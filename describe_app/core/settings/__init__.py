"""What the user chose: the typed settings schema and its file, and the table of every
action with its keys.

Uses describe (model names, detail levels), speech (voice settings) and the loose modules.
"""
