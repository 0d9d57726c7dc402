"""The one thing pyproject.toml cannot say: rules/ stays at the top of the source tree (rule authors edit it
there) and ships inside the package as ``auditor.rules``, read with importlib.resources.

Everything else (metadata, dependencies, the package data globs) is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["auditor", "auditor.*"], exclude=["*.__pycache__"]),
        "auditor.rules",
    ],
    package_dir={"auditor.rules": "rules"},
)
