"""Keeps protocol secrets out of request logs: the dev server logs each request line with its query string."""

from __future__ import annotations

import logging
import re

_SECRET_PARAMS = re.compile(r"\b(code|state|nonce|code_verifier|code_challenge|id_token_hint|logout_token)=[^&\s\"]+")


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET_PARAMS.sub(r"\1=[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
        logger.addFilter(RedactSecrets())
