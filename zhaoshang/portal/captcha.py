"""The CAPTCHA's challenge: four characters a person will not misread."""

import secrets

ALPHABET = "ACDEFHJKMNPRTUVWXY34679"


def challenge():
    text = "".join(secrets.choice(ALPHABET) for _ in range(4))
    return text, text
