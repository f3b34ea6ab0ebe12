"""Fixtures of the insyn tests: the document fixtures (Borås' types, `make_dokument` through the
services) shared with the dokument tests."""

from tests.dokument.conftest import beslut, make_dokument, media_root, typer  # noqa: F401
from tests.insyn.smtp import smtp_server  # noqa: F401, E402
