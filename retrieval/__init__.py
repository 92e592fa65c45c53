"""citebot retrieval: ingest documents into Chroma and answer questions with verbatim, cited quotes.

Nothing in this package imports Discord. The bot consumes only :class:`retrieval.models.Answer`.
"""

from retrieval.models import Answer, Citation, SourceRef

__all__ = ["Answer", "Citation", "SourceRef"]
