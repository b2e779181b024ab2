"""Describing a picture: the describer protocol, prompts, one request from check to
sentences, questions about one picture, exploring parts, and the worker thread that owns
a describer.

``local/`` is the vision-language model on this computer; ``remote/`` is a server the user
set up. Neither imports the other; only :mod:`.choice` and :mod:`.fallback` know both.
Uses pictures and reading (the worker owns the text reader too).
"""
