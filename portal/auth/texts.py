"""The sign-in pages' words, Swedish first."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "error_title": "Inloggningen misslyckades",
        "failed": "Vi kunde inte bekräfta din inloggning. Du är inte inloggad. Försök igen.",
        "state": "Inloggningen hade gått ut eller startades i ett annat fönster. Du är inte inloggad. Försök igen.",
        "denied": "Inloggningen avbröts. Du är inte inloggad.",
        "acr": "Du behöver logga in med e-legitimation på en högre säkerhetsnivå (tillitsnivå 3).",
        "no_personnummer": "Din e-legitimation gav oss inget personnummer, så vi kan inte visa din journal.",
        "invalid_personnummer": "Personnumret från din e-legitimation är inte giltigt.",
        "not_allowed": "Det går inte att logga in med den här identiteten.",
        "unavailable": "Inloggningstjänsten kan inte nås just nu. Försök igen om en stund.",
        "try_again": "Försök igen",
        "home": "Till startsidan",
        "logout": "Logga ut",
        "welcome": "Välkommen, {name}",
        "start_intro": "Här samlas din journal, dina tider och dina planer.",
        "empty": "Det finns inga uppgifter om dig ännu.",
        "login": "Logga in",
    },
    "en": {
        "error_title": "Sign-in failed",
        "failed": "We could not confirm your sign-in. You are not signed in. Please try again.",
        "state": "The sign-in expired or was started in another window. You are not signed in. Please try again.",
        "denied": "The sign-in was cancelled. You are not signed in.",
        "acr": "You need to sign in with an e-ID at a higher assurance level (LoA 3).",
        "no_personnummer": "Your e-ID did not give us a personal identity number, so we cannot show your record.",
        "invalid_personnummer": "The personal identity number from your e-ID is not valid.",
        "not_allowed": "This identity cannot be used to sign in.",
        "unavailable": "The sign-in service cannot be reached right now. Please try again shortly.",
        "try_again": "Try again",
        "home": "To the start page",
        "logout": "Sign out",
        "welcome": "Welcome, {name}",
        "start_intro": "Your record, appointments and plans, in one place.",
        "empty": "There is no information about you yet.",
        "login": "Sign in",
    },
}
