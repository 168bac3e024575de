"""Signing staff tokens (RS256) and publishing the public key as a JWKS."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class TokenIssuer:
    def __init__(self, private_key_pem: bytes, *, issuer: str, audience: str, minutes: int) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the signing key must be an RSA private key (PEM)")
        self.private_key = key
        self.public_key = key.public_key()
        public_der = self.public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.key_id = hashlib.sha256(public_der).hexdigest()[:16]
        self.issuer, self.audience, self.lifetime = issuer, audience, timedelta(minutes=minutes)

    def issue(self, subject: str, claims: dict[str, Any]) -> tuple[str, int]:
        now = datetime.now(UTC)
        payload = {
            **claims,
            "sub": subject,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + self.lifetime,
            "jti": str(uuid.uuid4()),
        }
        token = jwt.encode(payload, self.private_key, algorithm="RS256", headers={"kid": self.key_id})
        return token, int(self.lifetime.total_seconds())

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        jwk = RSAAlgorithm.to_jwk(self.public_key, as_dict=True)
        return {"keys": [{**jwk, "kid": self.key_id, "use": "sig", "alg": "RS256"}]}


def generate_private_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def ensure_key_file(path: Path) -> Path:
    """For local runs and tests: a key generated once, readable by its owner only."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generate_private_key_pem())
        path.chmod(0o600)
    return path


if __name__ == "__main__":
    import sys

    print(ensure_key_file(Path(sys.argv[1])))
