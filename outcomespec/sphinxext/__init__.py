"""The Sphinx extension that publishes framework files as a docs site (`extension.setup`)."""

from outcomespec.sphinxext.extension import setup

__all__ = ["setup"]
