"""The dev provider's words, Swedish first."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Testinloggning",
        "intro": "Det här är portalens inbyggda testinloggning. Välj en påhittad person att logga in som.",
        "choose": "Logga in som {name}",
        "error": "Inloggningsbegäran är ogiltig",
        "signed_out": "Du är utloggad från testinloggningen",
        "other_language": "In English",
        "other_lang": "en",
    },
    "en": {
        "title": "Test sign-in",
        "intro": "This is the portal's built-in test sign-in. Choose a made-up person to sign in as.",
        "choose": "Sign in as {name}",
        "error": "The sign-in request is not valid",
        "signed_out": "You are signed out of the test sign-in",
        "other_language": "På svenska",
        "other_lang": "sv",
    },
}
