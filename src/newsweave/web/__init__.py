"""The web app and HTTP API (``newsweave serve``): see ``newsweave.web.app.create_app``."""

from newsweave.web.app import create_app

__all__ = ["create_app"]
