"""Two carers of one baby (the exports fixture), for account closure."""

from tests.exports.conftest import two

__all__ = ["two"]
