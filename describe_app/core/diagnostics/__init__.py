"""What Describe keeps for finding out what went wrong, all in the user's log folder
(:func:`describe_app.core.folders.log_dir`):

* :mod:`.crash_log`: one report (time, version, platform, traceback) per exception that
  nothing caught, written by the window's hooks;
* :mod:`.app_log`: the app's own log (INFO and up) in a rotating file;
* :mod:`.restarts`: how often a dead child process (the model, the text finder) is
  started again, and where to point the user when it keeps stopping.

``describe-app doctor`` reads both back. Nothing here imports Qt.
"""
