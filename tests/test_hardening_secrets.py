"""Secrets stay out of the repository: .env is git-ignored, .env.example holds no secret."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from bot.settings import BotSettings
from tests.conftest import REPO

DISCORD_TOKEN_RE = re.compile(r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}")
SECRET_KEY_RE = re.compile(r"(^|_)(TOKEN|SECRET|PASSWORD|API_KEY|PASS)$", re.I)


def test_dotenv_is_git_ignored() -> None:
    lines = {ln.strip() for ln in (REPO / ".gitignore").read_text().splitlines()}
    assert lines & {".env", "/.env", ".env*"}, ".env must be listed in .gitignore"
    if shutil.which("git") and (REPO / ".git").exists():
        r = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO, check=False)
        assert r.returncode == 0, "git does not ignore .env"
        r = subprocess.run(["git", "check-ignore", "-q", ".env.example"], cwd=REPO, check=False)
        assert r.returncode == 1, ".env.example must stay committable"


def test_env_example_has_no_secret() -> None:
    example = REPO / ".env.example"
    if not example.exists():
        pytest.fail(".env.example is missing (it documents every setting, with no secret)")
    text = example.read_text(encoding="utf-8")
    assert not DISCORD_TOKEN_RE.search(text), ".env.example contains something like a bot token"
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if SECRET_KEY_RE.search(key):
            assert value in {"", '""', "''"}, f"{key} must be empty in .env.example"
    assert re.search(r"^DISCORD_TOKEN=\s*$", text, re.M), "DISCORD_TOKEN= should be listed, empty"


def test_token_never_shows_in_settings_repr() -> None:
    token = "MTAxMjM0NTY3ODkwMTIzNDU2.GAbCdE.abcdefghijklmnopqrstuvwxyz0123"
    s = BotSettings(_env_file=None, discord_token=token)  # type: ignore[call-arg]
    assert token not in repr(s) and token not in str(s) and token not in str(s.model_dump())
    assert s.discord_token is not None and s.discord_token.get_secret_value() == token
