"""Region detection on a fixed sample of the real work reports in ../shared/corpus.

Every 8th file of ``regions.json`` (sorted by name): 257 documents of all 20 folders. The whole
corpus is measured by ``python -m bench.regions``.
"""

from __future__ import annotations

import pytest

from atlas import settings

CORPUS = settings.SHARED_DIR / "corpus"
EVERY = 8

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outcomes():
    if not (CORPUS / "regions.json").is_file():
        pytest.skip(f"corpus not found at {CORPUS} (regions.json); set ATLAS_SHARED to the shared folder")
    from bench.regions import evaluate, load_known, sample_of

    rows = sample_of(load_known(CORPUS), EVERY)
    return evaluate(rows, CORPUS)


def test_sample_is_fixed_and_spread(outcomes):
    assert len(outcomes) == 257
    assert len({o.file.split("/")[0] for o in outcomes}) >= 15
    assert sum(o.gold_level == "county" for o in outcomes) >= 5


def test_region_right_for_98_percent_of_the_sample(outcomes):
    wrong = [(o.file, o.gold_code, o.got_code, o.evidence) for o in outcomes if not o.ok]
    assert len(wrong) <= 0.02 * len(outcomes), wrong


def test_no_document_placed_in_another_province(outcomes):
    assert [(o.file, o.got_name) for o in outcomes if o.other_province] == []


def test_every_detected_region_has_confidence_and_evidence(outcomes):
    for o in outcomes:
        assert o.confidence is not None and 0.0 <= o.confidence <= 1.0
        assert o.evidence
