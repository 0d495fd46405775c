"""`cunzhen review`: a local web app to browse a run's documents and accept or reject its edits.

Modules: ``index`` (the documents in memory, filtering), ``decisions`` (SQLite store beside the input, export),
``rejects`` (the rejected-pairs file format the engine reads with ``--reject``), ``app`` (Flask).
Only ``app`` needs Flask.
"""
