"""The optional C tree builder (linter/_fasttree.c, over the system libyaml).

Everything else is declared in pyproject.toml. The extension is optional: where libyaml's
headers or a C compiler are missing, the build goes on without it and portlint builds its
trees from ruamel.yaml's events instead (the same findings, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "portlint._fasttree",
            sources=["linter/_fasttree.c"],
            libraries=["yaml"],
            optional=True,
        )
    ]
)
