"""The bundled rule packs and vocabulary, installed as the package ``auditor.rules`` (see setup.py).

Only the YAML files are data; this file exists so that importlib.resources finds the folder in every kind of
install, editable ones included. Nothing imports code from here.
"""
