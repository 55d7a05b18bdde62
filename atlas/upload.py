"""Uploads: read files a user sent, show what was found, then add them to the workspace.

The upload page (``app_pages/upload.py``) is a thin layer over this module, which is tested
directly (Streamlit's AppTest cannot drive ``file_uploader``):

- :func:`preview_upload` reads one uploaded file (bytes + its name) the way ``atlas build`` does
  and reports, before anything is stored, the documents split out, each one's detected region
  (with confidence and evidence when the detector gives them), kind, year and counts per theme —
  or one clear message for an unsupported, broken, scanned (no text layer), empty or oversized
  file;
- :func:`add_previews` stores the good previews (with the regions the user picked) in one
  transaction per file and rebuilds the workspace's layers.

Uploaded bytes are only ever decoded as documents (text, HTML, docx, PDF); nothing a user sent is
unpickled or executed.
"""

from __future__ import annotations

import logging
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from atlas import settings
from atlas._errors import AtlasError
from atlas.models import THEMES, Document

log = logging.getLogger("atlas")

#: Stages reported to the progress callback, in order.
STAGES: tuple[str, ...] = ("read", "split", "extract")

Progress = Callable[[str, int, int, str], None]


@dataclass(frozen=True)
class DocumentPreview:
    """One document found in an upload: what the page shows before it is added."""

    document: Document
    counts: Mapping[str, int]
    region_confidence: float | None = None
    region_evidence: tuple[str, ...] = ()

    @property
    def region_code(self) -> str | None:
        return self.document.region.adcode if self.document.region else None


@dataclass(frozen=True)
class Preview:
    """What was found in one uploaded file, or why it cannot be used (``error``)."""

    file_name: str
    size: int
    text: str = field(default="", repr=False)
    documents: tuple[DocumentPreview, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.documents)


def _safe_name(name: str) -> str:
    """The bare file name of an upload (browsers may send paths); never empty."""
    base = Path(str(name).replace("\\", "/")).name.strip()
    return base if base not in ("", ".", "..") else "upload.txt"


def preview_upload(name: str, data: bytes, *, progress: Progress | None = None) -> Preview:
    """Read one uploaded file and find its documents, region, kind, year and counts per theme.

    Never raises for a bad file: the problem is in ``Preview.error`` (one line naming the file
    and what to do), and nothing is stored either way.
    """
    from atlas.extract import mentions_from_document
    from atlas.ingest import documents_from_text, source_text
    from atlas.inputs import SUPPORTED_SUFFIXES, too_large_message

    def step(stage: str, done: int, total: int, label: str) -> None:
        if progress is not None:
            progress(stage, done, total, label)

    file_name = _safe_name(name)
    size = len(data)
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        return Preview(
            file_name,
            size,
            error=f"{file_name}: unsupported file type {suffix or '(none)'!r}; use one of {allowed}",
        )
    if size > settings.MAX_FILE_BYTES:
        return Preview(
            file_name,
            size,
            error=too_large_message(
                file_name, size, settings.MAX_FILE_BYTES, "split the file into smaller parts and upload them"
            ),
        )
    try:
        step("read", 0, 1, file_name)
        with tempfile.TemporaryDirectory(prefix="atlas-upload-") as tmp:
            path = Path(tmp) / file_name
            path.write_bytes(data)
            text = source_text(path)
        step("read", 1, 1, file_name)
        step("split", 0, 1, file_name)
        docs = documents_from_text(text, source_file=file_name)
        step("split", 1, 1, file_name)
        found = []
        for i, doc in enumerate(docs):
            step("extract", i, len(docs), doc.doc_id)
            counts = Counter(m.theme for m in mentions_from_document(doc))
            evidence = getattr(doc, "region_evidence", None) or ()
            if isinstance(evidence, str):
                evidence = tuple(e.strip() for e in evidence.split(";") if e.strip())
            found.append(
                DocumentPreview(
                    document=doc,
                    counts={t: counts.get(t, 0) for t in THEMES},
                    region_confidence=getattr(doc, "region_confidence", None),
                    region_evidence=tuple(str(e) for e in evidence),
                )
            )
        step("extract", len(docs), len(docs), "")
    except AtlasError as exc:
        return Preview(file_name, size, error=str(exc))
    except Exception as exc:  # a file that breaks a reader in a way it did not foresee
        log.exception("upload: reading %s failed", file_name)
        return Preview(
            file_name,
            size,
            error=f"{file_name}: cannot be read ({type(exc).__name__}); check the file or save it as .txt and try again",
        )
    return Preview(file_name, size, text=text, documents=tuple(found))


def add_previews(
    workspace: Any,
    previews: Sequence[Preview],
    *,
    regions: Mapping[str, str | None] | None = None,
    progress: Progress | None = None,
) -> list[str]:
    """Store the good previews in the workspace and rebuild its layers; returns the doc ids added.

    ``regions`` maps ``"file name/doc id"`` keys (:func:`region_key`) to the region the user
    picked; a pick equal to the detected region is not stored as an override. Previews with an
    error are skipped (nothing of them is stored).
    """
    regions = dict(regions or {})
    added: list[str] = []
    good = [p for p in previews if p.ok]
    for i, p in enumerate(good):
        if progress is not None:
            progress("store", i, len(good), p.file_name)
        overrides = {}
        for d in p.documents:
            chosen = regions.get(region_key(p.file_name, d.document.doc_id))
            if chosen and chosen != d.region_code:
                overrides[d.document.doc_id] = chosen
        added += workspace.add_documents(
            p.file_name, p.text, [d.document for d in p.documents], regions=overrides
        )
    if progress is not None:
        progress("store", len(good), len(good), "")
    if good:
        workspace.rebuild(progress=progress)
    return added


def region_key(file_name: str, doc_id: str) -> str:
    """The key of a document's region pick (also the page's widget key suffix)."""
    return f"{file_name}/{doc_id}"


@lru_cache(maxsize=1)
def region_options() -> dict[str, str]:
    """Every province, prefecture and county: adcode → ``name · parent (adcode)``, in code order."""
    from atlas.boundaries import load_boundaries

    b = load_boundaries()
    out = {}
    for code in sorted(b.units):
        u = b.units[code]
        parent = (
            u.prefecture
            if u.level == "county" and u.prefecture
            else (u.province if u.level != "province" else "")
        )
        out[code] = f"{u.name} · {parent} ({code})" if parent and parent != u.name else f"{u.name} ({code})"
    return out
