"""hivemind/proto/auth.proto (1.1.12): the tokens and signatures every authorized hivemind message carries."""

from ._schema import messages

_classes = messages("auth.proto", {
    "AccessToken": [("username", 1, "string"), ("public_key", 2, "bytes"), ("expiration_time", 3, "string"), ("signature", 4, "bytes")],
    "RequestAuthInfo": [("client_access_token", 1, "AccessToken"), ("service_public_key", 2, "bytes"), ("time", 3, "double"),
                        ("nonce", 4, "bytes"), ("signature", 5, "bytes")],
    "ResponseAuthInfo": [("service_access_token", 1, "AccessToken"), ("nonce", 2, "bytes"), ("signature", 3, "bytes")],
})
AccessToken = _classes["AccessToken"]
RequestAuthInfo = _classes["RequestAuthInfo"]
ResponseAuthInfo = _classes["ResponseAuthInfo"]
