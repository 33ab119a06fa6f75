"""Personal keys: the keyring folder on disk and the Ed25519 key pairs in it.

A keyring is a folder outside the database (``$GRANTLEDGER_KEYS``, default
``~/.config/grantledger/keys``) readable by its owner only. Each person's keys
live in a sub-folder named after them, one PEM file a key, named by the key's
fingerprint, so a rotated key stays beside its successor: which one acts is
decided by the ledger (the key bound to the person), not by the file system.
Private keys are PKCS#8, encrypted with the passphrase when one is given
(``GRANTLEDGER_PASSPHRASE``, or asked on a terminal). They never leave this
folder: the ledger stores public keys and signatures only.

The crypto is the ``cryptography`` package's; nothing here is hand-made.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import LedgerError, invalid

PREFIX = "ed25519:"
DEFAULT_DIR = "~/.config/grantledger/keys"


def encode_public(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PREFIX + base64.b64encode(raw).decode()


def decode_public(text: str) -> Ed25519PublicKey:
    """``ed25519:BASE64`` → a public key; anything else is ``INVALID_INPUT``."""
    word = (text or "").strip()
    if not word.startswith(PREFIX):
        raise invalid(f"公钥须形如 ed25519:… (由 key new 打印): {text!r}")
    try:
        raw = base64.b64decode(word[len(PREFIX) :], validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise invalid(f"公钥无法读取 (不是 32 字节的 Ed25519 公钥): {text!r}") from exc


def normalise_public(text: str) -> str:
    return encode_public(decode_public(text))


def fingerprint(public: str) -> str:
    """A short, stable name for a public key: the first 16 hex digits of SHA-256 over its raw bytes."""
    raw = base64.b64decode(public[len(PREFIX) :]) if public.startswith(PREFIX) else public.encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def verify(public: str, signature: bytes, message: bytes) -> bool:
    try:
        decode_public(public).verify(signature, message)
    except (InvalidSignature, LedgerError):
        return False
    return True


def account() -> str:
    """The operating-system account running this process, from the system's user database (not ``$USER``)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return f"uid{os.getuid()}"


def _passphrase(prompt: bool) -> bytes | None:
    given = os.environ.get("GRANTLEDGER_PASSPHRASE")
    if given:
        return given.encode()
    if prompt and sys.stdin is not None and sys.stdin.isatty():
        import getpass  # termios and more: only when a passphrase is asked for at a terminal

        return getpass.getpass("grantledger key passphrase: ").encode() or None
    return None


@dataclass
class Keyring:
    path: Path
    _cache: dict[tuple[str, str], Ed25519PrivateKey] = field(default_factory=dict)

    @classmethod
    def default(cls) -> Keyring:
        return cls(Path(os.path.expanduser(os.environ.get("GRANTLEDGER_KEYS") or DEFAULT_DIR)))

    def _folder(self, actor: str) -> Path:
        return self.path / quote(actor, safe="")

    def create(self, actor: str) -> str:
        """A new key pair for ``actor`` in this keyring; returns its public key (``ed25519:…``)."""
        private = Ed25519PrivateKey.generate()
        public = encode_public(private.public_key())
        secret = _passphrase(prompt=False)
        encryption = serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        folder = self._folder(actor)
        old_umask = os.umask(0o077)
        try:
            self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
            target = folder / f"{fingerprint(public)}.pem"
            scratch = folder / f".{target.name}.{os.getpid()}.tmp"
            fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
            os.replace(scratch, target)
        finally:
            os.umask(old_umask)
        self._cache[(actor, public)] = private
        return public

    def publics(self, actor: str) -> list[str]:
        """The public keys this keyring holds for ``actor``, newest first."""
        folder = self._folder(actor)
        if not folder.is_dir():
            return []
        files = sorted(folder.glob("*.pem"), key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
        found = []
        for file in files:
            private = self._load(file)
            if private is not None:
                public = encode_public(private.public_key())
                self._cache[(actor, public)] = private
                found.append(public)
        return found

    def newest(self, actor: str) -> str | None:
        keys = self.publics(actor)
        return keys[0] if keys else None

    def private(self, actor: str, public: str) -> Ed25519PrivateKey | None:
        """The private half of ``public`` if this keyring holds it for ``actor``."""
        cached = self._cache.get((actor, public))
        if cached is not None:
            return cached
        file = self._folder(actor) / f"{fingerprint(public)}.pem"
        if not file.is_file():
            return None
        private = self._load(file)
        if private is None or encode_public(private.public_key()) != public:
            return None
        self._cache[(actor, public)] = private
        return private

    def _load(self, file: Path) -> Ed25519PrivateKey | None:
        try:
            data = file.read_bytes()
        except OSError:
            return None
        encrypted = b"ENCRYPTED" in data.split(b"\n", 1)[0]
        secret = _passphrase(prompt=True) if encrypted else None
        if encrypted and secret is None:
            raise LedgerError(
                "FORBIDDEN", f"私钥 {file.name} 有口令保护: 请设置 GRANTLEDGER_PASSPHRASE 或在终端运行以输入口令"
            )
        try:
            key = serialization.load_pem_private_key(data, password=secret)
        except (ValueError, TypeError) as exc:
            raise LedgerError("FORBIDDEN", f"私钥 {file.name} 无法打开 (口令不对或文件损坏)") from exc
        return key if isinstance(key, Ed25519PrivateKey) else None
