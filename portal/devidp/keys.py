"""The dev provider's RS256 signing key: generated once, kept in the instance folder."""

from __future__ import annotations

import json
import os

from flask import Flask, current_app
from joserfc.jwk import KeySet, RSAKey

FILE_NAME = "devidp-signing-key.json"


def load_or_create(app: Flask) -> RSAKey:
    path = os.path.join(app.instance_path, FILE_NAME)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            return RSAKey.import_key(json.load(handle))
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
    # Written to a temporary name first so two workers starting together never read half a key.
    temporary = f"{path}.{os.getpid()}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(key.as_dict(private=True), handle)
    os.replace(temporary, path)
    return key


def signing_key() -> RSAKey:
    return current_app.extensions["devidp"].key


def private_key_set() -> KeySet:
    return KeySet([signing_key()])


def public_jwks() -> dict[str, object]:
    return {"keys": [signing_key().as_dict(private=False)]}
